import { useStdin } from 'ink';
import { useEffect, useRef } from 'react';
import { type KeyEvent, parseKeys } from './key-parser.js';

/**
 * Calls `handler` for every key while `active`. Reads Ink's own input stream (Ink owns stdin,
 * raw mode and the splitting of escape sequences) but parses keys with our `parseKeys`, which
 * tells Backspace from Delete and splits pasted text from the Enter after it.
 */
export function useKeys(handler: (key: KeyEvent) => void, active = true): void {
  const { internal_eventEmitter: emitter, setRawMode, isRawModeSupported } = useStdin();
  const current = useRef(handler);
  current.current = handler;

  useEffect(() => {
    if (!active || !isRawModeSupported) return;
    setRawMode(true);
    return () => setRawMode(false);
  }, [active, isRawModeSupported, setRawMode]);

  useEffect(() => {
    if (!active) return;
    const onInput = (chunk: string) => {
      for (const key of parseKeys(chunk)) current.current(key);
    };
    emitter.on('input', onInput);
    return () => {
      emitter.off('input', onInput);
    };
  }, [active, emitter]);
}
