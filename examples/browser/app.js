// @ts-check
// The page's script: no framework, no build step. For the first two ways (PUT, POST) it asks the
// server (server.mjs) to presign an upload of the chosen file, then sends the file straight to S3
// with XMLHttpRequest, whose `upload.onprogress` reports the bytes sent (fetch has no upload
// progress). For the third it asks the server for a grant and runs stowage's S3 driver
// (/direct.js, bundled by the server from direct.js), whose `onProgress` drives the bar.
//
// What the page shows is also written where a test can read it: each <progress> keeps every
// percentage it showed in `data-seen` (comma-separated), and each status line has `data-state`
// (idle, presigning, uploading, done, failed) and, once done, `data-key` (the object's key).

const fileInput = /** @type {HTMLInputElement} */ (document.getElementById('file'));

/**
 * @typedef {{ method: 'PUT', url: string, key: string, headers: Record<string, string> }} PresignedPut
 * @typedef {{ method: 'POST', url: string, key: string, fields: Record<string, string> }} PresignedPost
 */

/** @param {HTMLElement} section */
function widgets(section) {
  return {
    button: /** @type {HTMLButtonElement} */ (section.querySelector('button.upload')),
    bar: /** @type {HTMLProgressElement} */ (section.querySelector('progress')),
    percent: /** @type {HTMLOutputElement} */ (section.querySelector('output.percent')),
    status: /** @type {HTMLParagraphElement} */ (section.querySelector('p.status')),
  };
}

/**
 * Shows a percentage on the bar and records it (once per distinct value) in `data-seen`.
 * @param {HTMLElement} section
 * @param {number} value a whole number from 0 to 100
 */
function showPercent(section, value) {
  const { bar, percent } = widgets(section);
  bar.value = value;
  percent.value = `${value} %`;
  const seen = bar.dataset.seen ? bar.dataset.seen.split(',') : [];
  if (seen[seen.length - 1] !== String(value)) {
    seen.push(String(value));
    bar.dataset.seen = seen.join(',');
  }
}

/**
 * @param {HTMLElement} section
 * @param {'idle' | 'presigning' | 'uploading' | 'done' | 'failed'} state
 * @param {string} text
 */
function showStatus(section, state, text) {
  const { status } = widgets(section);
  status.dataset.state = state;
  status.textContent = text;
}

/**
 * Asks the server for an upload of `file`: a presigned request (`presign-put`, `presign-post`) or
 * a grant for the driver (`grant`).
 * @param {string} path
 * @param {File} file
 */
async function ask(path, file) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: file.name, type: file.type, size: file.size }),
  });
  const answer = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  if (!response.ok) throw new Error(`the server refused: ${answer.error ?? `HTTP ${response.status}`}`);
  return answer;
}

/**
 * Uploads `file` with stowage's S3 driver running in this page.
 * @param {HTMLElement} section
 * @param {File} file
 * @returns {Promise<{ key: string, etag: string }>}
 */
async function uploadThroughDriver(section, file) {
  const grant = await ask('grant', file);
  showStatus(section, 'uploading', `Uploading ${file.size} bytes to ${grant.key}…`);
  const { uploadDirect } = await import('./direct.js');
  const etag = await uploadDirect(file, grant, (loaded, total) => {
    const of = total ?? file.size;
    if (of > 0) showPercent(section, Math.floor((loaded / of) * 100));
  });
  return { key: grant.key, etag };
}

/**
 * Sends the request, reporting upload progress as whole percentages (100 only once every byte
 * is sent). Resolves with the status and the ETag (when S3 exposes it through CORS).
 * @param {HTMLElement} section
 * @param {string} method
 * @param {string} url
 * @param {Record<string, string>} headers
 * @param {Blob | FormData} body
 * @returns {Promise<{ status: number, etag: string | null, body: string }>}
 */
function send(section, method, url, headers, body) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) showPercent(section, Math.floor((event.loaded / event.total) * 100));
    };
    xhr.onload = () => resolve({ status: xhr.status, etag: xhr.getResponseHeader('ETag'), body: xhr.responseText });
    // A CORS refusal and a dropped connection look alike to a page: status 0, no detail.
    xhr.onerror = () => reject(new Error('the upload failed (network error, or S3 refused CORS for this origin)'));
    xhr.onabort = () => reject(new Error('the upload was aborted'));
    xhr.send(body);
  });
}

/**
 * Uploads the chosen file one way.
 * @param {HTMLElement} section
 * @param {'put' | 'post' | 'direct'} method
 */
async function upload(section, method) {
  const file = fileInput.files?.[0];
  if (!file) return;
  const { button } = widgets(section);
  button.disabled = true;
  const bar = widgets(section).bar;
  bar.dataset.seen = '';
  showPercent(section, 0);
  try {
    if (method === 'direct') {
      showStatus(section, 'presigning', 'Asking the server for a grant…');
      const { key, etag } = await uploadThroughDriver(section, file);
      showPercent(section, 100);
      widgets(section).status.dataset.key = key;
      showStatus(section, 'done', `Uploaded ${file.size} bytes to ${key} (ETag ${etag}).`);
      return;
    }
    showStatus(section, 'presigning', 'Asking the server to presign…');
    /** @type {PresignedPut | PresignedPost} */
    const presigned = await ask(`presign-${method}`, file);
    showStatus(section, 'uploading', `Uploading ${file.size} bytes to ${presigned.key}…`);
    let result;
    if (presigned.method === 'PUT') {
      // The body is the file itself; the signed Content-Type must be sent as signed.
      result = await send(section, 'PUT', presigned.url, presigned.headers, file);
    } else {
      // A form: every policy field first, the file last (S3 ignores fields after it).
      const form = new FormData();
      for (const [name, value] of Object.entries(presigned.fields)) form.append(name, value);
      form.append('file', file);
      result = await send(section, 'POST', presigned.url, {}, form);
    }
    if (result.status < 200 || result.status > 299) {
      const code = /<Code>([^<]*)<\/Code>/.exec(result.body)?.[1];
      throw new Error(`S3 answered ${result.status}${code ? ` ${code}` : ''}`);
    }
    showPercent(section, 100);
    widgets(section).status.dataset.key = presigned.key;
    showStatus(section, 'done', `Uploaded ${file.size} bytes to ${presigned.key}${result.etag ? ` (ETag ${result.etag})` : ''}.`);
  } catch (error) {
    showStatus(section, 'failed', error instanceof Error ? error.message : String(error));
  } finally {
    button.disabled = false;
  }
}

for (const section of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('section[data-method]'))) {
  const method = section.dataset.method === 'post' ? 'post' : section.dataset.method === 'direct' ? 'direct' : 'put';
  widgets(section).button.addEventListener('click', () => upload(section, method));
}

fileInput.addEventListener('change', () => {
  const file = fileInput.files?.[0];
  for (const section of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('section[data-method]'))) {
    widgets(section).button.disabled = !file;
    if (widgets(section).status.dataset.state === 'idle') {
      showStatus(section, 'idle', file ? `Ready: ${file.name}, ${file.size} bytes.` : 'Choose a file.');
    }
  }
});
