/**
 * Decision reports as files (docs/reports.md): the formats a report is exported in, their media types
 * and file names. Shared by every host: the CLI's `report` command, `exportReport` in the
 * contract (desk-api.ts) and the renderer's export dialog.
 *
 * Formats:
 * - `html` — one self-contained page (fonts, styles and SVG charts inlined; no script, no
 *   network), dark on screen, light when printed;
 * - `pdf` — the same page printed by Chromium (A4, backgrounds on, page numbers in the footer);
 * - `csv` — the metric results, one row per metric × variant, numbers unrounded (RFC 4180);
 * - `json` — the whole report model: results, settings, provenance, ChangeSet and audit trail;
 * - `audit-csv` — the audit trail of the linked ChangeSet, one row per event (docs/changesets.md fields).
 */

import { stripBidiControls } from './escape-html.ts';

// No zod here: the renderer imports these values, and zod stays out of the page (desk-api.ts
// builds the request schema from `REPORT_FORMATS`).
export const REPORT_FORMATS = ['html', 'pdf', 'csv', 'json', 'audit-csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Media type of each format (what a browser download or a save dialog is told). */
export const REPORT_MEDIA_TYPES: Readonly<Record<ReportFormat, string>> = {
  html: 'text/html;charset=utf-8',
  pdf: 'application/pdf',
  csv: 'text/csv;charset=utf-8',
  json: 'application/json',
  'audit-csv': 'text/csv;charset=utf-8',
};

/** File name suffix of each format (the audit trail is a CSV too, named apart from the results). */
export const REPORT_EXTENSIONS: Readonly<Record<ReportFormat, string>> = {
  html: '.html',
  pdf: '.pdf',
  csv: '.csv',
  json: '.json',
  'audit-csv': '.audit.csv',
};

/** What the renderer's format choice shows. */
export const REPORT_FORMAT_LABELS: Readonly<Record<ReportFormat, string>> = {
  html: 'HTML (self-contained page)',
  pdf: 'PDF (A4)',
  csv: 'CSV (metric results)',
  json: 'JSON (results, provenance, audit trail)',
  'audit-csv': 'CSV (ChangeSet audit trail)',
};

/** A report rendered to bytes, ready to save. */
export interface ExportedReport {
  /** The file's content (UTF-8 text for html, csv, json; the PDF's bytes). */
  readonly bytes: Uint8Array;
  /** Suggested file name, e.g. `checkout-redesign-decision-report-2026-03-23.pdf`. */
  readonly fileName: string;
  readonly mediaType: string;
}

/**
 * 32-bit FNV-1a of the UTF-8 bytes of `text`, as 8 hex digits. Pure (the renderer imports this
 * module, so no node:crypto); enough to tell apart ids that sanitise to the same stem.
 */
function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/**
 * A file-name-safe form of an experiment id: letters, digits, `.`, `_` and `-` kept, runs of
 * anything else (spaces, slashes, quotes, control characters) become one `-`; bidi controls
 * (contract/escape-html.ts) removed first; at most 80 characters; never empty, never starting
 * with a dot. When that changed the id, `-` and a short hash of the original id follow, so ids
 * that differ only in what was replaced (`exp/1`, `exp?1`, `exp 1`) get different names and one
 * report never overwrites another's (docs/security.md, "Report files").
 */
export function safeFileStem(text: string): string {
  const cleaned = stripBidiControls(text).normalize('NFKD').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+|-+$/g, '').slice(0, 80);
  if (cleaned === text && cleaned !== '') return cleaned;
  return `${cleaned === '' ? 'experiment' : cleaned}-${shortHash(text)}`;
}

/**
 * The suggested file name of a report: `<experiment>-decision-report-<YYYY-MM-DD><ext>`, the
 * date being the UTC day the report was generated (`generatedAt`, ISO-8601). The one place report
 * file names are made: the CLI, the web download and Electron's save dialog all use it.
 */
export function reportFileName(experimentId: string, format: ReportFormat, generatedAt: string): string {
  const day = /^\d{4}-\d{2}-\d{2}/.exec(generatedAt)?.[0] ?? 'undated';
  return `${safeFileStem(experimentId)}-decision-report-${day}${REPORT_EXTENSIONS[format]}`;
}
