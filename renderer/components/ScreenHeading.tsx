import { useEffect, useRef, type ReactNode } from 'react';
import { useDeskStore } from '../store/store.ts';

/**
 * The screen's `<h1>`. When the user moves to another screen, focus moves to its heading (a
 * screen reader announces it; Tab continues from the top of the new screen) unless it is on the
 * main navigation, which keeps it. The app's own start-up switch leaves focus alone.
 */
export function ScreenHeading({ children, className }: { children: ReactNode; className?: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (!useDeskStore.getState().navigation.moveFocus) return;
    const active = document.activeElement;
    const lost = !active || active === document.body || !active.isConnected;
    if (lost || active.closest('main')) ref.current?.focus();
  }, []);
  return <h1 ref={ref} tabIndex={-1} className={className}>{children}</h1>;
}
