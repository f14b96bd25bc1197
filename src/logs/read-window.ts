/**
 * Which bytes of a grown log to read, within a bound. When more was written than the bound allows,
 * the NEWEST bytes are read (they hold the errors of the probes just made) and the older ones are
 * skipped; the read starts one byte early so the cut line can be recognised and dropped whole.
 */
export interface ReadWindow {
  /** Byte position to read from. */
  readonly position: number;
  readonly length: number;
  /** Bytes between the previous offset and `position` that are not read. */
  readonly skipped: number;
  /** True when the read starts mid-file: everything up to the first newline is a cut line. */
  readonly dropFirstLine: boolean;
}

export function readWindow(options: { offset: number; size: number; maxBytes: number }): ReadWindow {
  const { offset, size, maxBytes } = options;
  const available = Math.max(0, size - offset);
  if (available <= maxBytes) return { position: offset, length: available, skipped: 0, dropFirstLine: false };
  const position = size - maxBytes - 1;
  return { position, length: maxBytes + 1, skipped: position - offset + 1, dropFirstLine: true };
}

/** `12.5 MiB`, for warnings. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** The warning for a skipped stretch of a log. */
export function skippedWarning(options: { file: string; skipped: number; maxBytes: number }): string {
  return (
    `${options.file}: ${formatBytes(options.skipped)} of log written since the last read were skipped; ` +
    `only the newest ${formatBytes(options.maxBytes)} were read`
  );
}
