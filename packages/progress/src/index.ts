/**
 * @stowage/progress: tqdm-like progress bars for stowage transfers. `progressBar()` returns an
 * `onProgress` handler for `uploadFile`/`downloadFile` (one or many at once).
 * @packageDocumentation
 */
export { type ProgressBar, type ProgressBarOptions, type ProgressStream, progressBar } from './progress-bar.js';
export { formatBytes, formatDuration, formatRate } from './format.js';
export { renderBar } from './render-bar.js';
export { RateMeter } from './rate.js';
