import { describe, expect, it } from 'vitest';
import { detectSecrets, type SecretType } from './detect.js';
import { ScanTimeoutError } from '../../types.js';
import { secretsScanner } from './scanner.js';
import { nextAsciiStem } from './assignments.js';

function found(text: string): [SecretType, string][] {
  return detectSecrets(text).map((e) => [e.type, text.slice(e.start, e.end)]);
}

describe('secrets', () => {
  const accepted: [string, SecretType, string][] = [
    ['clid = "AKIAQWADE5R42RDZ4JEM"', 'API_KEY', 'AKIAQWADE5R42RDZ4JEM'],
    ['token: ghp_R4nd0mT0k3nV4lu3ABCxyz9f7Q2kLm0qwer', 'API_KEY', 'ghp_R4nd0mT0k3nV4lu3ABCxyz9f7Q2kLm0qwer'],
    ['xoxb-391809548274-4236212766789-i8EoyACELx2FYnSOkRPEpePN', 'API_KEY', 'xoxb-391809548274-4236212766789-i8EoyACELx2FYnSOkRPEpePN'],
    ['OPENAI=sk-proj-Zq8vW2mN4kL7pR1tY6uB3cX9dF0gH5jK', 'API_KEY', 'sk-proj-Zq8vW2mN4kL7pR1tY6uB3cX9dF0gH5jK'],
    ['key sk-ant-api03-Zq8vW2mN4kL7pR1tY6uB3cX9dF0gH5jKa', 'API_KEY', 'sk-ant-api03-Zq8vW2mN4kL7pR1tY6uB3cX9dF0gH5jKa'],
    ['AIzaGiReoG-Cr0ckleCr0ckle12315618_12315 # Google', 'API_KEY', 'AIzaGiReoG-Cr0ckleCr0ckle12315618_12315'],
    ['stripe rk_live_9Zq8vW2mN4kL7pR1tY6uB3cX', 'API_KEY', 'rk_live_9Zq8vW2mN4kL7pR1tY6uB3cX'],
    ['pwd = "cackle!"', 'PASSWORD', 'cackle!'],
    ['login:master password:dipPr143Gg!', 'PASSWORD', 'dipPr143Gg!'],
    ['my password is Tr0ub4dor&3 ok', 'PASSWORD', 'Tr0ub4dor&3'],
    ['postgres://admin:s3cr3tP4ss@db.internal:5432/app', 'PASSWORD', 's3cr3tP4ss'],
    ['curl -H "Authorization: Bearer eyJGRpVu1c2VzY2-823r_db32hbf4W1lbj"', 'API_KEY', 'eyJGRpVu1c2VzY2-823r_db32hbf4W1lbj'],
    ['api_key: "DvMB_glvwjlEQ_uqIyn8k"', 'API_KEY', 'DvMB_glvwjlEQ_uqIyn8k'],
    ['%define token 4b9aQ7Zx2LmP8vR3tY6uW1cE5', 'API_KEY', '4b9aQ7Zx2LmP8vR3tY6uW1cE5'],
    // Provider-shaped tokens not in the format list: a short word prefix, then a random body.
    ['cfat_ldxiugEl907l4fW6ViLbhZled5GG95J90dRk9JaDx4mIbbM4', 'API_KEY', 'cfat_ldxiugEl907l4fW6ViLbhZled5GG95J90dRk9JaDx4mIbbM4'],
    ['SONAR=squ_944fb17dc1ca18eb2750b6238e5c5ad27b68aaab', 'API_KEY', 'squ_944fb17dc1ca18eb2750b6238e5c5ad27b68aaab'],
    ['glagent-ZQmgbRr-Ydu5YehnXCGiiSLxjd53EkFnYapS7A4TwyNE8Y2XVg # agent', 'API_KEY', 'glagent-ZQmgbRr-Ydu5YehnXCGiiSLxjd53EkFnYapS7A4TwyNE8Y2XVg'],
    ['tgp_v1_45j-rhExaIPrLzTp--mCXcQwaWyNYUK86IG0_XWnNqc', 'API_KEY', 'tgp_v1_45j-rhExaIPrLzTp--mCXcQwaWyNYUK86IG0_XWnNqc'],
    ['"id":"194206074328-qp89pdv6fi35vsi71258g1eh31q6h7c3.apps.googleusercontent.com"', 'API_KEY', '194206074328-qp89pdv6fi35vsi71258g1eh31q6h7c3.apps.googleusercontent.com'],
    ['twilio SK4D2F64E2A108CD72F648B1984C3B5A13', 'API_KEY', 'SK4D2F64E2A108CD72F648B1984C3B5A13'],
    ['DOPPLER=dp.pt.GnUaQXtT9Fi2luokVezIZ3MGzgSUKYjqCk4efeKZuc7', 'API_KEY', 'dp.pt.GnUaQXtT9Fi2luokVezIZ3MGzgSUKYjqCk4efeKZuc7'],
    // A token as a path segment of a URL.
    ['GET https://h.example/api/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/part', 'API_KEY', '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'],
    // A random quoted string handed to code, named or not.
    ["k = 'oy2mlf2v7jl2firuegfqwzc4zxyebz3ethzd14g4hw4iAm'", 'API_KEY', 'oy2mlf2v7jl2firuegfqwzc4zxyebz3ethzd14g4hw4iAm'],
    ['{"SQT": "EAAAEEPtuW9FnP_CuCV-3DFPB54M7YWBUVEFOWKPRVMWEJYMODIDAEX4FASS64NF"}', 'API_KEY', 'EAAAEEPtuW9FnP_CuCV-3DFPB54M7YWBUVEFOWKPRVMWEJYMODIDAEX4FASS64NF'],
    ["define( 'DB_PASSWORD' , '2Arh5dA1Sn0ywiVYdnpwr3aLzZDJPNG' );", 'PASSWORD', '2Arh5dA1Sn0ywiVYdnpwr3aLzZDJPNG'],
    ["CREATE USER 'haproxy'@'%' IDENTIFIED BY 'SqLpa5sW0rD';", 'PASSWORD', 'SqLpa5sW0rD'],
    ['ALTER USER app identified by Tr0ub4dor3;', 'PASSWORD', 'Tr0ub4dor3'],
    ['"AwsSecretKey": "J38YmIgn7dH6cw4W+yqoRgjsFsWvysFjfVcpCh7O9Yyv9/qNvNI"', 'API_KEY', 'J38YmIgn7dH6cw4W+yqoRgjsFsWvysFjfVcpCh7O9Yyv9/qNvNI'],
  ];
  it.each(accepted)('finds a secret in %j', (text, type, value) => {
    expect(found(text)).toContainEqual([type, value]);
  });

  it('reports PEM private keys line by line', () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAL1/hJjtuMbjbVXo6wYT1SxiROOvwgffVSvOAk5aN2d4wYTC25k3\nsklfpdwxvkjh4iGB6==\n-----END RSA PRIVATE KEY-----';
    const types = found(pem).map(([t]) => t);
    expect(types).toEqual(['PRIVATE_KEY', 'PRIVATE_KEY', 'PRIVATE_KEY', 'PRIVATE_KEY']);
  });

  const keyLines = [
    'QMnczlCtGqUmeAwimQ+IyMkyV0KJYwV/PFCXjfQ2G/mnN88OtWcz793omSsWmwGc',
    'iAViSZ0A0JWpTZHnZs8DDpmuDcydnyLMJDXHyOqtVe0lmWxpSTmfESFlSKeveYeY',
    '5Wq3vumtleWydYNgxgwwaPEApnr+uCk2J0Ye0+BjFRJHfPT4oBHzfrvWZq3lTnMJ',
  ];
  it('reports key body lines whose header is not in the text, behind comment marks or a log timestamp', () => {
    const commented = keyLines.map((l) => `  *  ${l}`).join('\n');
    expect(found(`/**\n${commented}\n */`)).toEqual(keyLines.map((l) => ['PRIVATE_KEY', l]));
    const logged = keyLines.map((l) => `2026-04-26 12:36:01 ${l}`).join('\n');
    expect(found(logged).map(([t]) => t)).toEqual(['PRIVATE_KEY', 'PRIVATE_KEY', 'PRIVATE_KEY']);
  });

  it('leaves two such lines, and base64 wrapped at MIME width, alone', () => {
    expect(found(keyLines.slice(0, 2).join('\n'))).toEqual([]);
    const mime = keyLines.map((l) => `${l}${l.slice(0, 12)}`).join('\n'); // 76 per line
    expect(found(mime)).toEqual([]);
  });

  it('takes a word after a key name and a space as a value only when it is long and random', () => {
    expect(found('diff --git a/dynatrace_api.zip b/dynatrace_api.zip')).toEqual([]);
    expect(found('the auth token expired yesterday')).toEqual([]);
  });

  const placeholders = [
    'password = "changeme"',
    'api_key: <your-api-key>',
    'token = "${GITHUB_TOKEN}"',
    'secret: xxxxxxxxxxxxxxxxxxxx',
    'password = os.environ["DB_PASSWORD"]',
    'password = userPassword',
    'masked_password = *****1*****2;',
    'lin_api_abcdefgiRuRkwmbYFY7xGlBxe8GUg8YNBzaRyF4W',
    'AGE-SECRET-KEY-1KZYHJJGJ5DEC3RXGPEUA97WG99HU4Z3Z9ZK69GHAFZWJ08SFVF0QZ3WFSX',
    'author = "M$Bn0Tf0YHD"',
    'the passengers: ["quickBrown", "lazyDog"]',
    // Digests, ids and names that share a token's shape.
    '<script integrity="sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC"></script>',
    'invoice in_0KVnBvo2ZNzxqgUA4dPhPB3i was paid',
    'call user_profile_settings_manager_version_two now',
    'from = "sklearn.decomposition.PCA"',
    'commit = "9f86d081884c7d659a2feb7aa4c2d1b3d8fd3b2e"',
    'id: "123e4567-e89b-12d3-a456-426614174000"',
    "It's the team's plan, isn't it? Don't worry, we'll ship it.",
    'ALTER USER app IDENTIFIED BY :new_password',
    'CREATE USER x IDENTIFIED BY ?',
    'SKETCHUPSKETCHUPSKETCHUPSKETCHUP12',
    'host: akab-h5stbzeswb3v4kj3-tblc7jkffv3wfxh3.drain.akamaiapis.net',
  ];
  it.each(placeholders)('does not flag placeholder or non-secret %j', (text) => {
    expect(found(text)).toEqual([]);
  });

  it('scans 100 KB of near-matches in bounded time', () => {
    const near = [
      'password='.repeat(12_000), 'sk-'.repeat(35_000), '-----BEGIN '.repeat(10_000), 'eyJ.'.repeat(25_000), 'A'.repeat(100_000),
      "k = 'a1B".repeat(12_000), 'abc_def-'.repeat(12_000), `${'x9Y'.repeat(21)}z\n`.repeat(1_500),
    ];
    for (const text of near) {
      const t = performance.now();
      detectSecrets(text);
      expect(performance.now() - t).toBeLessThan(1500);
    }
  });

  it('keeps offsets after characters whose lower case is longer (İ), so the whole value is redacted', async () => {
    const text = 'İİİİ İstanbul office: password = "Tr0ub4dor&3xyz" and api_key: "DvMB_glvwjlEQ_uqIyn8k"';
    expect(found(text)).toEqual([['PASSWORD', 'Tr0ub4dor&3xyz'], ['API_KEY', 'DvMB_glvwjlEQ_uqIyn8k']]);
    const s = secretsScanner.create(secretsScanner.parseOptions({}));
    const ctx = { signal: new AbortController().signal, now: () => 0, logger: { warn: () => undefined } };
    const r = await s.scan({ text, stage: 'input', origin: 'user' }, ctx);
    expect(r.text).toBe('İİİİ İstanbul office: password = "[PASSWORD_1]" and api_key: "[API_KEY_1]"');
  });

  it('redacts through the scanner with typed placeholders', async () => {
    const s = secretsScanner.create(secretsScanner.parseOptions({}));
    const ctx = { signal: new AbortController().signal, now: () => 0, logger: { warn: () => undefined } };
    const r = await s.scan({ text: 'a=AKIAQWADE5R42RDZ4JEM b=AKIAQWADE5R42RDZ4JEM', stage: 'input', origin: 'user' }, ctx);
    expect(r.verdict).toBe('redact');
    expect(r.text).toBe('a=[API_KEY_1] b=[API_KEY_1]');
    expect(r.findings[0]?.type).toBe('secrets.api_key');
  });

  it('throws ScanTimeoutError on a large dense input once its deadline has passed', () => {
    const s = secretsScanner.create(secretsScanner.parseOptions({}));
    const dense = 'api_key = "sk-abc" password: hunter2 token=xyz '.repeat(40_000);
    const late = { signal: new AbortController().signal, now: () => 10, logger: { warn: () => undefined }, deadline: 5 };
    expect(() => s.scan({ text: dense, stage: 'input', origin: 'user' }, late)).toThrow(ScanTimeoutError);
    expect(() => detectSecrets(dense, late)).toThrow(ScanTimeoutError);
    expect(detectSecrets(dense.slice(0, 70_000), { now: () => 0, deadline: 5 }).length).toBeGreaterThan(0);
  });

  it('finds stems in ASCII bytes where the regex does', () => {
    const re = /[pP](?=[aA][sS][sS]|[wW])|[sS](?=[eE][cC][rR][eE][tT])|[tT](?=[oO][kK\u212a][eE][nN])|[kK\u212a](?=[eE][yY])|[aA](?=[pP][iI\u0130]|[uU][tT][hH])|[cC](?=[rR][eE][dD])|비(?=번)|암(?=호)/g;
    const alphabet = 'pPaAsSwWeEcCrRtToOkKnyYiIuUhHdD _-@`[{0Z';
    const words = ['password', 'PassWord', 'pwd', 'secret', 'TOKEN', 'key', 'api', 'AUTH', 'cred', 'passecret', 'apiKey'];
    let seed = 7;
    const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8;
    for (let r = 0; r < 3000; r++) {
      let text = '';
      const len = next() % 40;
      for (let i = 0; i < len; i++) text += next() % 4 === 0 ? (words[next() % words.length] as string) : alphabet.charAt(next() % alphabet.length);
      const bytes = new TextEncoder().encode(text);
      const got: number[] = [];
      for (let p = nextAsciiStem(bytes, 0, bytes.length); p !== -1; p = nextAsciiStem(bytes, p + 1, bytes.length)) got.push(p);
      expect(got, JSON.stringify(text)).toEqual([...text.matchAll(re)].map((m) => m.index));
    }
  });
});
