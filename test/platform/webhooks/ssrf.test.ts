import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApiError } from '../../../src/platform/errors/api-error.js';
import { checkWebhookUrl, type HostResolver, isPublicAddress } from '../../../src/platform/webhooks/ssrf.js';

/** A resolver from a fixed table, so no test touches DNS (this machine may have no network). */
function table(entries: Record<string, readonly string[]>): HostResolver {
  return async (hostname) => {
    const addresses = entries[hostname];
    if (!addresses) throw new Error(`getaddrinfo ENOTFOUND ${hostname}`);
    return addresses;
  };
}

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ApiError, `expected an ApiError, got ${String(error)}`);
    assert.equal(error.code, 'url_not_allowed');
    assert.equal(error.param, 'url');
    assert.equal(error.status, 400);
    return error;
  }
  assert.fail('expected the URL to be refused');
}

describe('isPublicAddress', () => {
  const notPublic = {
    'IPv4 loopback': ['127.0.0.1', '127.255.255.254'],
    'IPv4 private': ['10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1'],
    'IPv4 link-local (cloud metadata)': ['169.254.169.254'],
    'IPv4 unspecified and this-network': ['0.0.0.0', '0.1.2.3'],
    'carrier-grade NAT': ['100.64.0.1', '100.127.255.255'],
    'IPv4 multicast, reserved and broadcast': ['224.0.0.1', '239.1.1.1', '240.0.0.1', '255.255.255.255'],
    'IPv4 documentation and benchmarking': ['192.0.2.1', '198.51.100.7', '203.0.113.9', '198.18.0.1'],
    'IPv6 loopback and unspecified': ['::1', '::', '0:0:0:0:0:0:0:1'],
    'IPv6 link-local, with and without a zone': ['fe80::1', 'fe80::1%eth0', 'febf::1'],
    'IPv6 unique-local': ['fc00::1', 'fd12:3456:789a::1'],
    'IPv6 multicast': ['ff02::1'],
    'IPv6 documentation': ['2001:db8::1'],
    'IPv4-mapped IPv6 of non-public addresses': [
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:10.1.2.3',
      '::ffff:169.254.169.254',
    ],
    'NAT64 and 6to4 carrying non-public IPv4': [
      '64:ff9b::127.0.0.1',
      '64:ff9b::a00:1',
      '2002:7f00:1::1',
      '2002:c0a8:101::',
    ],
    'not an IP address': ['', 'localhost', '256.1.1.1', 'example.com', '1.2.3'],
  };
  for (const [kind, addresses] of Object.entries(notPublic)) {
    test(`refuses ${kind}`, () => {
      for (const address of addresses) assert.equal(isPublicAddress(address), false, address);
    });
  }

  test('accepts public unicast addresses, including mapped, NAT64 and 6to4 forms of public IPv4', () => {
    for (const address of [
      '93.184.215.14',
      '8.8.8.8',
      '1.1.1.1',
      '172.32.0.1', // just outside 172.16/12
      '100.128.0.1', // just outside 100.64/10
      '2606:4700:4700::1111',
      '2a00:1450:4001:80b::200e',
      '::ffff:93.184.215.14',
      '64:ff9b::808:808',
      '2002:808:808::1',
    ]) {
      assert.equal(isPublicAddress(address), true, address);
    }
  });
});

describe('checkWebhookUrl', () => {
  const strict = { allowPrivate: false, resolve: table({ 'hooks.example.com': ['93.184.215.14'] }) };

  test('accepts an https URL whose name resolves only to public addresses', async () => {
    const checked = await checkWebhookUrl('https://hooks.example.com/punchclock?x=1', strict);
    assert.equal(checked.url.hostname, 'hooks.example.com');
    assert.deepEqual(checked.addresses, ['93.184.215.14']);
  });

  test('accepts a public IP literal without resolving it', async () => {
    const resolve: HostResolver = async () => assert.fail('an IP literal must not be resolved');
    assert.deepEqual(
      (await checkWebhookUrl('https://93.184.215.14/hooks', { allowPrivate: false, resolve })).addresses,
      ['93.184.215.14'],
    );
    assert.deepEqual(
      (await checkWebhookUrl('https://[2606:4700:4700::1111]:8443/h', { allowPrivate: false, resolve }))
        .addresses,
      ['2606:4700:4700::1111'],
    );
  });

  test('requires https', async () => {
    const error = await refusal(checkWebhookUrl('http://hooks.example.com/', strict));
    assert.match(error.message, /https/);
    await refusal(checkWebhookUrl('ftp://hooks.example.com/', strict));
  });

  test('refuses something that is not an absolute URL', async () => {
    await refusal(checkWebhookUrl('hooks.example.com/path', strict));
    await refusal(checkWebhookUrl('', strict));
  });

  test('refuses loopback, private and link-local IP literals, in any spelling', async () => {
    for (const url of [
      'https://127.0.0.1/',
      'https://10.0.0.8/',
      'https://192.168.0.10:8443/hook',
      'https://169.254.169.254/latest/meta-data/',
      'https://[::1]/',
      'https://[fe80::1]/',
      'https://[::ffff:127.0.0.1]/',
      'https://0x7f.1/', // WHATWG URL normalises this to 127.0.0.1
      'https://2130706433/', // and this
    ]) {
      await refusal(checkWebhookUrl(url, strict));
    }
  });

  test('refuses a name that resolves to 127.0.0.1 (injected resolver)', async () => {
    const resolve = table({ 'evil.example.com': ['127.0.0.1'] });
    const error = await refusal(
      checkWebhookUrl('https://evil.example.com/', { allowPrivate: false, resolve }),
    );
    assert.match(error.message, /127\.0\.0\.1/);
  });

  test('refuses a name with one non-public address among public ones', async () => {
    const resolve = table({ 'mixed.example.com': ['93.184.215.14', '::1'] });
    await refusal(checkWebhookUrl('https://mixed.example.com/', { allowPrivate: false, resolve }));
  });

  test('refuses a name that does not resolve, or resolves to nothing', async () => {
    const resolve = table({ 'empty.example.com': [] });
    const missing = await refusal(
      checkWebhookUrl('https://nowhere.example.com/', { allowPrivate: false, resolve }),
    );
    assert.match(missing.message, /does not resolve/);
    await refusal(checkWebhookUrl('https://empty.example.com/', { allowPrivate: false, resolve }));
  });

  test('refuses localhost through the system resolver', async () => {
    await refusal(checkWebhookUrl('https://localhost/hooks', { allowPrivate: false }));
  });

  test('allowPrivate admits http and private hosts without resolving them', async () => {
    const resolve: HostResolver = async () => assert.fail('allowPrivate must not resolve');
    for (const url of [
      'http://localhost:4000/hooks',
      'https://127.0.0.1/',
      'http://[::1]:8080/',
      'http://unresolvable.invalid/',
    ]) {
      const checked = await checkWebhookUrl(url, { allowPrivate: true, resolve });
      assert.deepEqual(checked.addresses, []);
    }
    await refusal(checkWebhookUrl('ftp://localhost/', { allowPrivate: true, resolve }));
  });
});
