import { describe, expect, it } from 'vitest';
import { isStorageError, parseStorageUrl } from 'stowage';

function failure(url: string): { code: string; message: string; json: string } {
  try {
    parseStorageUrl(url);
  } catch (error) {
    if (!isStorageError(error)) throw error;
    return { code: error.code, message: error.message, json: JSON.stringify(error) };
  }
  throw new Error(`${url} parsed`);
}

describe('parseStorageUrl', () => {
  it('reads the memory, file and s3 forms', () => {
    expect(parseStorageUrl('memory://')).toEqual({ scheme: 'memory' });
    expect(parseStorageUrl('memory://cache')).toEqual({ scheme: 'memory', name: 'cache' });
    expect(parseStorageUrl('memory://My%20Cache/')).toEqual({ scheme: 'memory', name: 'My Cache' });
    expect(parseStorageUrl('file:///var/data')).toEqual({ scheme: 'file', root: '/var/data' });
    expect(parseStorageUrl('file://localhost/var/my%20data?fsync=true')).toEqual({ scheme: 'file', root: '/var/my data', fsync: true });
    expect(parseStorageUrl('file:///data?io=thread-pool')).toEqual({ scheme: 'file', root: '/data', io: 'thread-pool' });
    expect(parseStorageUrl('file:///data?io=sync&fsync=false')).toEqual({ scheme: 'file', root: '/data', io: 'sync', fsync: false });
    expect(parseStorageUrl(new URL('file:///srv'))).toEqual({ scheme: 'file', root: '/srv' });
    expect(parseStorageUrl('s3://')).toEqual({ scheme: 's3' });
    expect(parseStorageUrl('S3://?region=eu-west-1')).toEqual({ scheme: 's3', region: 'eu-west-1' });
    expect(parseStorageUrl('s3://?region=us-east-1&endpoint=http://127.0.0.1:9000&forcePathStyle=true')).toEqual({
      scheme: 's3',
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9000',
      forcePathStyle: true,
    });
    expect(parseStorageUrl('s3://?endpoint=https%3A%2F%2Fs3.example.com&forcePathStyle=false')).toEqual({
      scheme: 's3',
      endpoint: 'https://s3.example.com',
      forcePathStyle: false,
    });
  });

  it.each([
    ['not a url at all', /no scheme/],
    ['ftp://example.com/x', /unknown storage URL scheme "ftp:"/],
    ['http://127.0.0.1:9000', /unknown storage URL scheme "http:"/],
    ['memory:cache', /starts with memory:\/\//],
    ['memory://cache/sub', /no path/],
    ['memory://cache?size=1', /unknown parameter "size" in the memory: URL: it takes none/],
    ['memory://%zz', /not valid percent-encoding/],
    ['file:relative/dir', /starts with file:\/\//],
    ['file://server/share', /names no host/],
    ['file:///data?sync=1', /unknown parameter "sync" in the file: URL: it takes fsync, io/],
    ['file:///data?io=async', /"io" of the file: URL must be sync or thread-pool/],
    ['file:///data?fsync=yes', /"fsync" of the file: URL must be true or false/],
    ['s3://my-bucket', /names no host or bucket/],
    ['s3:///path', /has no path/],
    ['s3://?region=eu west', /"region" of the s3: URL must be a region name/],
    ['s3://?endpoint=localhost:9000', /"endpoint" of the s3: URL must be an http:\/\/ or https:\/\/ URL/],
    ['s3://?regoin=eu-west-1', /unknown parameter "regoin" in the s3: URL: it takes region, endpoint, forcePathStyle/],
    ['s3://?region=a&region=b', /parameter "region" twice/],
    ['s3://?forcePathStyle=1', /"forcePathStyle" of the s3: URL must be true or false/],
    ['memory://x#frag', /no #fragment/],
  ])('rejects %s with InvalidArgument naming the problem', (url, why) => {
    const { code, message } = failure(url);
    expect(code).toBe('InvalidArgument');
    expect(message).toMatch(why);
  });

  it.each([
    ['s3://AKIAEXAMPLEKEY:wJalrXUtnFEMIK7MDENGbPxRfiCYSECRET@/?region=x'],
    ['s3://AKIAEXAMPLEKEY:wJalrXUtnFEMIK7MDENGbPxRfiCYSECRET@host'],
    ['s3://AKIAEXAMPLEKEY:wJalrXUtnFEMI/K7MDENGbPxRfiCYSECRET@/?region=x'], // AWS secrets may hold '/'
    ['s3://?region=x&secretAccessKey=wJalrXUtnFEMIK7MDENGbPxRfiCYSECRET&accessKeyId=AKIAEXAMPLEKEY'],
    ['s3://?endpoint=http://AKIAEXAMPLEKEY:wJalrXUtnFEMIK7MDENGbPxRfiCYSECRET@127.0.0.1:9000'],
    ['memory://AKIAEXAMPLEKEY:wJalrXUtnFEMIK7MDENGbPxRfiCYSECRET@name'],
    ['file://AKIAEXAMPLEKEY:wJalrXUtnFEMIK7MDENGbPxRfiCYSECRET@/data'],
  ])('refuses credentials in %s without repeating them', (url) => {
    const { code, message, json } = failure(url);
    expect(code).toBe('InvalidArgument');
    expect(message).toMatch(/credentials/);
    for (const secret of ['wJalrXUtnFEMIK7MDENGbPxRfiCYSECRET', 'K7MDENGbPxRfiCYSECRET', 'AKIAEXAMPLEKEY']) {
      expect(message).not.toContain(secret);
      expect(json).not.toContain(secret);
    }
  });

  it('never quotes values of unknown parameters, which may be secrets', () => {
    const { message } = failure('s3://?region=x&sig=hunter2');
    expect(message).toContain('"sig"');
    expect(message).not.toContain('hunter2');
  });
});
