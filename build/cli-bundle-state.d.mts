// Types of build/cli-bundle-state.mjs, for the tests that import it.
export declare const MANIFEST_NAME: string;
export declare const BUILD_INPUTS: readonly string[];
export declare function sourceDigest(root: string, inputs: readonly string[], contents?: ReadonlyMap<string, string | Uint8Array>): string;
export declare function currentBundle(root: string, outdir?: string): string | null;
