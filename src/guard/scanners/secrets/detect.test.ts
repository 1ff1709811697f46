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
    ['clid = "AKIAORYOO8S32ZQP9ZFD"', 'API_KEY', 'AKIAORYOO8S32ZQP9ZFD'],
    ['token: ghp_R4nd0mT0k3nV4lu3ABCxyz9f7Q2kLm0qwer', 'API_KEY', 'ghp_R4nd0mT0k3nV4lu3ABCxyz9f7Q2kLm0qwer'],
    ['xoxb-742180967929-0810033907579-g8HujPAVCo4NRcWIkYHQjaCS', 'API_KEY', 'xoxb-742180967929-0810033907579-g8HujPAVCo4NRcWIkYHQjaCS'],
    ['OPENAI=sk-proj-Zq8vW2mN4kL7pR1tY6uB3cX9dF0gH5jK', 'API_KEY', 'sk-proj-Zq8vW2mN4kL7pR1tY6uB3cX9dF0gH5jK'],
    ['key sk-ant-api03-Zq8vW2mN4kL7pR1tY6uB3cX9dF0gH5jKa', 'API_KEY', 'sk-ant-api03-Zq8vW2mN4kL7pR1tY6uB3cX9dF0gH5jKa'],
    ['AIzaYdMdjM-Ca0ggbpMw6ncsu34514506_12310 # Google', 'API_KEY', 'AIzaYdMdjM-Ca0ggbpMw6ncsu34514506_12310'],
    ['stripe rk_live_9Zq8vW2mN4kL7pR1tY6uB3cX', 'API_KEY', 'rk_live_9Zq8vW2mN4kL7pR1tY6uB3cX'],
    ['pwd = "cackle!"', 'PASSWORD', 'cackle!'],
    ['login:admin password:kovRt582Hm!', 'PASSWORD', 'kovRt582Hm!'],
    ['my password is Tr0ub4dor&3 ok', 'PASSWORD', 'Tr0ub4dor&3'],
    ['postgres://admin:s3cr3tP4ss@db.internal:5432/app', 'PASSWORD', 's3cr3tP4ss'],
    ['curl -H "Authorization: Bearer eyJBOzPf8g7QgX2-661m_ng04zsj0G2mtu"', 'API_KEY', 'eyJBOzPf8g7QgX2-661m_ng04zsj0G2mtu'],
    ['api_key: "SdBE_goiaytKJ_mcCcg9u"', 'API_KEY', 'SdBE_goiaytKJ_mcCcg9u'],
    ['%define token 4b9aQ7Zx2LmP8vR3tY6uW1cE5', 'API_KEY', '4b9aQ7Zx2LmP8vR3tY6uW1cE5'],
    // Provider-shaped tokens not in the format list: a short word prefix, then a random body.
    ['cfat_hatlltOe979e6fU2JhThxGfxu8GV67T16bDd0QiHx6iNtpJ8', 'API_KEY', 'cfat_hatlltOe979e6fU2JhThxGfxu8GV67T16bDd0QiHx6iNtpJ8'],
    ['SONAR=squ_5247f2866028de71159b42b4ea410fb9102f29a4', 'API_KEY', 'squ_5247f2866028de71159b42b4ea410fb9102f29a4'],
    ['glagent-CCorlXb-Xxw2ZklcVPCnzAPsat66SaTcCcuD4N5MxwSO7O8CQy # agent', 'API_KEY', 'glagent-CCorlXb-Xxw2ZklcVPCnzAPsat66SaTcCcuD4N5MxwSO7O8CQy'],
    ['tgp_v1_80j-tcPahWDpYtVp--iALjEvtGqFYKV77HK6_VIgUnz', 'API_KEY', 'tgp_v1_80j-tcPahWDpYtVp--iALjEvtGqFYKV77HK6_VIgUnz'],
    ['"id":"336395322750-wc42dop4gn68pvk97510i9bv49l4u9a2.apps.googleusercontent.com"', 'API_KEY', '336395322750-wc42dop4gn68pvk97510i9bv49l4u9a2.apps.googleusercontent.com'],
    ['twilio SKC3E6087413EB266F850F1578B5C72DA4', 'API_KEY', 'SKC3E6087413EB266F850F1578B5C72DA4'],
    ['DOPPLER=dp.pt.OoGuAMrS8Zk7kugdXzuWD3HMcjRZKIwaLq1bokRNyi7', 'API_KEY', 'dp.pt.OoGuAMrS8Zk7kugdXzuWD3HMcjRZKIwaLq1bokRNyi7'],
    // A token as a path segment of a URL.
    ['GET https://h.example/api/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/part', 'API_KEY', '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'],
    // A random quoted string handed to code, named or not.
    ["k = 'oy2mlf2v7jl2firuegfqwzc4zxyebz3ethzd14g4hw4iAm'", 'API_KEY', 'oy2mlf2v7jl2firuegfqwzc4zxyebz3ethzd14g4hw4iAm'],
    ['{"SQT": "EAAAAGZcnZ0FrK_VzEP-2QXQV77S1YHOQRJXRUFQQRIJVMTGJERQISP3NRDQ09MA"}', 'API_KEY', 'EAAAAGZcnZ0FrK_VzEP-2QXQV77S1YHOQRJXRUFQQRIJVMTGJERQISP3NRDQ09MA'],
    ["define( 'DB_PASSWORD' , '8Bqm8zS1Pc2croNZmihpp2kNpQKDGNT' );", 'PASSWORD', '8Bqm8zS1Pc2croNZmihpp2kNpQKDGNT'],
    ["CREATE USER 'webapp'@'%' IDENTIFIED BY 'W3bAppS3cR';", 'PASSWORD', 'W3bAppS3cR'],
    ['ALTER USER app identified by Tr0ub4dor3;', 'PASSWORD', 'Tr0ub4dor3'],
    ['"AwsSecretKey": "A42WyAbg2hA4kx5H+tpdPxsdQtIwgwQnaMunQt2R3Uru3/qGrTS"', 'API_KEY', 'A42WyAbg2hA4kx5H+tpdPxsdQtIwgwQnaMunQt2R3Uru3/qGrTS'],
  ];
  it.each(accepted)('finds a secret in %j', (text, type, value) => {
    expect(found(text)).toContainEqual([type, value]);
  });

  it('reports PEM private keys line by line', () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAY1/eTtoeEaagYGf2jKG8VugFWGmjalnFEiCKj9sA9v5cJLJ75f7\npwfbiaxlmarz6lMS0==\n-----END RSA PRIVATE KEY-----';
    const types = found(pem).map(([t]) => t);
    expect(types).toEqual(['PRIVATE_KEY', 'PRIVATE_KEY', 'PRIVATE_KEY', 'PRIVATE_KEY']);
  });

  const keyLines = [
    'EHxuzlFkTkGgyGdehE+XcImdN6RZWeG/MUVZadG9V/llD85QvGzc710byRtQspEg',
    'fDGfFJ1S0EVoCYDkMo6QLngtLauwbgFNOLXLmGtfDq0kcZwuMStgQSKzYIidxXyF',
    '6Ek8wlynyfMgxFCzkjpdaLUTbhi+vJk3V6Sf8+CmQPUGwDY6sADtdxhIOm8bYgUM',
  ];
  it('reports key body lines whose header is not in the text, behind comment marks or a log timestamp', () => {
    const commented = keyLines.map((l) => `  *  ${l}`).join('\n');
    expect(found(`/**\n${commented}\n */`)).toEqual(keyLines.map((l) => ['PRIVATE_KEY', l]));
    const logged = keyLines.map((l) => `2026-03-14 09:27:45 ${l}`).join('\n');
    expect(found(logged).map(([t]) => t)).toEqual(['PRIVATE_KEY', 'PRIVATE_KEY', 'PRIVATE_KEY']);
  });

  it('leaves two such lines, and base64 wrapped at MIME width, alone', () => {
    expect(found(keyLines.slice(0, 2).join('\n'))).toEqual([]);
    const mime = keyLines.map((l) => `${l}${l.slice(0, 12)}`).join('\n'); // 76 per line
    expect(found(mime)).toEqual([]);
  });

  it('takes a word after a key name and a space as a value only when it is long and random', () => {
    expect(found('diff --git a/datadog_api.zip b/datadog_api.zip')).toEqual([]);
    expect(found('the auth token expired yesterday')).toEqual([]);
  });

  const placeholders = [
    'password = "changeme"',
    'api_key: <your-api-key>',
    'token = "${GITHUB_TOKEN}"',
    'secret: xxxxxxxxxxxxxxxxxxxx',
    'password = os.environ["DB_PASSWORD"]',
    'password = userPassword',
    'masked_password = *****8*****5;',
    'lin_api_abcdefgoBwFtgdyHOL8lQiYod9XYz5JBNcgKqT5E',
    'AGE-SECRET-KEY-1QXSS346XUYZC2C72LRML6JENHJ73JJPQ0Z26CR5ER5YWM7S0ZXAF08R6A8',
    'author = "M$Gb5Qe1LOE"',
    'the passengers: ["quickBrown", "lazyDog"]',
    // Digests, ids and names that share a token's shape.
    '<script integrity="sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC"></script>',
    'invoice in_6OTiUsv6LYxqejXE3pDqJZ8t was paid',
    'call user_profile_settings_manager_version_two now',
    'from = "sklearn.decomposition.PCA"',
    'commit = "9f86d081884c7d659a2feb7aa4c2d1b3d8fd3b2e"',
    'id: "123e4567-e89b-12d3-a456-426614174000"',
    "It's the team's plan, isn't it? Don't worry, we'll ship it.",
    'ALTER USER app IDENTIFIED BY :new_password',
    'CREATE USER x IDENTIFIED BY ?',
    'SKETCHUPSKETCHUPSKETCHUPSKETCHUP12',
    'host: akab-l4itvxswsg4y3gh8-ugvb0aiina9bdhr4.drain.akamaiapis.net',
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
    const text = 'İİİİ İstanbul office: password = "Tr0ub4dor&3xyz" and api_key: "SdBE_goiaytKJ_mcCcg9u"';
    expect(found(text)).toEqual([['PASSWORD', 'Tr0ub4dor&3xyz'], ['API_KEY', 'SdBE_goiaytKJ_mcCcg9u']]);
    const s = secretsScanner.create(secretsScanner.parseOptions({}));
    const ctx = { signal: new AbortController().signal, now: () => 0, logger: { warn: () => undefined } };
    const r = await s.scan({ text, stage: 'input', origin: 'user' }, ctx);
    expect(r.text).toBe('İİİİ İstanbul office: password = "[PASSWORD_1]" and api_key: "[API_KEY_1]"');
  });

  it('redacts through the scanner with typed placeholders', async () => {
    const s = secretsScanner.create(secretsScanner.parseOptions({}));
    const ctx = { signal: new AbortController().signal, now: () => 0, logger: { warn: () => undefined } };
    const r = await s.scan({ text: 'a=AKIAORYOO8S32ZQP9ZFD b=AKIAORYOO8S32ZQP9ZFD', stage: 'input', origin: 'user' }, ctx);
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
