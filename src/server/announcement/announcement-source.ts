import { readFileSync, type StatWatcher, unwatchFile, watchFile } from 'node:fs';

/**
 * The server announcement: the text of a file, re-read whenever the file changes
 * (created, edited, replaced or deleted). Polls the file's status, which works the same on
 * every filesystem, including container volumes.
 */
export class AnnouncementSource {
  private text: string;
  private watcher: StatWatcher | null = null;
  private readonly listeners = new Set<(text: string) => void>();

  constructor(
    private readonly path: string,
    private readonly pollMs: number,
  ) {
    this.text = this.read();
  }

  current(): string {
    return this.text;
  }

  onChange(listener: (text: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (this.watcher || this.pollMs <= 0) return;
    this.watcher = watchFile(this.path, { interval: this.pollMs, persistent: false }, () =>
      this.reload(),
    );
  }

  stop(): void {
    if (!this.watcher) return;
    unwatchFile(this.path);
    this.watcher = null;
  }

  /** Re-reads the file; listeners hear about it only when the text changed. */
  reload(): void {
    const next = this.read();
    if (next === this.text) return;
    this.text = next;
    for (const listener of this.listeners) listener(next);
  }

  private read(): string {
    try {
      return readFileSync(this.path, 'utf8').trim();
    } catch {
      return '';
    }
  }
}
