import { describe, expect, it } from 'vitest';
import { detectSecrets, type SecretType } from './detect.js';
import { githubChecksumValid } from './github-checksum.js';

function found(text: string): [SecretType, string][] {
  return detectSecrets(text).map((e) => [e.type, text.slice(e.start, e.end)]);
}

describe('secrets: formats and contexts', () => {
  const accepted: [string, SecretType, string][] = [
    // Command-line flags that name a secret take the next word.
    ['restic backup --password-command x; gpg --batch --passphrase Vq3kT9zLw2 -c notes.txt', 'PASSWORD', 'Vq3kT9zLw2'],
    ['vault login --token Hx8pQ2mZr5Kt7Wq1', 'API_KEY', 'Hx8pQ2mZr5Kt7Wq1'],
    ['deploy -secret Rm4nXq8Tz2Pw6Ky9', 'API_KEY', 'Rm4nXq8Tz2Pw6Ky9'],
    // A value quoted with HTML entities.
    ['<a href="/cb?access_token=&quot;Zq81mPx3Lk9vR2tW&quot;">', 'API_KEY', 'Zq81mPx3Lk9vR2tW'],
    ['<input value="password: &#39;Hm4$kq9Lz&#39;">', 'PASSWORD', 'Hm4$kq9Lz'],
    // Provider formats.
    ['AWS_ACCESS_KEY_ID=A3TQZ7XK2M4PL9RWV8NB', 'API_KEY', 'A3TQZ7XK2M4PL9RWV8NB'],
    ['GF_KEY=eyJrIjoiWjhxM3BMbTlOdlI0dFc3eUsyYkoiLCJuIjoiY2kiLCJpZCI6N30=', 'API_KEY', 'eyJrIjoiWjhxM3BMbTlOdlI0dFc3eUsyYkoiLCJuIjoiY2kiLCJpZCI6N30='],
    ['gitlab-runner register --registration-token GR1348941Zk8vQ2mWp5Lr9Tx3Ny7B', 'API_KEY', 'GR1348941Zk8vQ2mWp5Lr9Tx3Ny7B'],
    ['seed: SUAK4MZQ7RW2XLP9B3TY6NVE5HCJ8GDF2KQWMZ7XR4TLP9BV3NY6EHCJ8G', 'API_KEY', 'SUAK4MZQ7RW2XLP9B3TY6NVE5HCJ8GDF2KQWMZ7XR4TLP9BV3NY6EHCJ8G'],
    ['TF_TOKEN=Ab3dE5gH7jK9mN.atlasv1.Qw8rT2yU4iO6pA1sD3fG5hJ7kL9zX2cV4bN6mQ8wE0rT2yU4iO6pA1sD3fG5hJ7kL9zX', 'API_KEY', 'Ab3dE5gH7jK9mN.atlasv1.Qw8rT2yU4iO6pA1sD3fG5hJ7kL9zX2cV4bN6mQ8wE0rT2yU4iO6pA1sD3fG5hJ7kL9zX'],
    ['AZURE_OPENAI_KEY="Qm3Zk8Rt2Wv5Yp9Lx4Nc7Bd1Fg6Hj0Ks3Mq8Tv2Wx5Zy9Lb4Nd7PJQQJ99BKAC7rTq2Xw9Lm4AAABACOGk3P"', 'API_KEY', 'Qm3Zk8Rt2Wv5Yp9Lx4Nc7Bd1Fg6Hj0Ks3Mq8Tv2Wx5Zy9Lb4Nd7PJQQJ99BKAC7rTq2Xw9Lm4AAABACOGk3P'],
    ['MAILGUN_KEY=3f9a1c7e5b2d8046a9e1f3c5b7d9024e-7a3c9e1f-b5d2084c', 'API_KEY', '3f9a1c7e5b2d8046a9e1f3c5b7d9024e-7a3c9e1f-b5d2084c'],
    ['mailchimp: 8e2a4c6f0b1d3e5a7c9f2b4d6e8a0c1f-us21', 'API_KEY', '8e2a4c6f0b1d3e5a7c9f2b4d6e8a0c1f-us21'],
    ['HEROKU_API_KEY=HRKU-7f3a9c1e-5b2d-4f8a-9e6c-1d3b5a7f9e2c', 'API_KEY', 'HRKU-7f3a9c1e-5b2d-4f8a-9e6c-1d3b5a7f9e2c'],
    // A token in a coloured log line: the escape's `94m` is not part of it.
    ['INFO \u001b[94msq0csp-Zq8vW2mN4kL7pR1tY6uB3cX9dF0gH5jKa2Lm9Np4Q\u001b[0m sent', 'API_KEY', 'sq0csp-Zq8vW2mN4kL7pR1tY6uB3cX9dF0gH5jKa2Lm9Np4Q'],
    // A GitHub token with a valid checksum, however regular its random part.
    ['GH=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', 'API_KEY', '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'],
  ];
  it.each(accepted)('finds in %j the %s %j', (text, type, value) => {
    expect(found(text)).toContainEqual([type, value]);
  });

  const rejected: string[] = [
    // Flags and keys that name something about a secret.
    'ssh-add --key-file ~/.ssh/deploy_ed25519',
    'kubectl get secret --secret-name prod-db-creds-2024',
    'token_type = "bearer-refresh-v2"',
    // Values that are text, options, object literals or identifiers.
    "res.send({ key: 'hello brave world' })",
    'Pass `--no-deprecation-warnings` to silence it',
    "'Lock-Token': 'urn:uuid:5e3b61c8-0d9a-4f17-b2c4-8a9e1f7d3c20'",
    'id/pw id:operator pw:',
    'IP ID PW 172.20.4.9 operator',
    'request 3f9a1c7e-5b2d-8046-a9e1-f3c5b7d9024e done',
    '{"key": "uploaded_report_2", "kind": "file"}',
    // A URL slug is words, not a token.
    'https://blog.invalid/posts/how-to-rotate-your-api-keys-safely-9f3c21ab77d0',
    // A GitHub-shaped token whose regular body has no valid checksum.
    'ghp_111111111111111111111111111111111111',
  ];
  it.each(rejected)('reports nothing in %j', (text) => {
    expect(found(text)).toEqual([]);
  });
});

describe('secrets: private-key blocks that hold no key', () => {
  const body = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7Zq8vW2mN4kL7\npR1tY6uB3cX9dF0gH5jKa2Lm9Np4Qr7St1Uv3Wx5Yz8Ab0Cd2Ef4Gh6Ij8Kl0Mn\n';
  it('reports a block with key material line by line', () => {
    const text = `-----BEGIN PRIVATE KEY-----\n${body}-----END PRIVATE KEY-----`;
    expect(found(text).length).toBe(4);
  });
  it.each([
    ['a parser\'s marker strings', 'begin = "-----BEGIN RSA PRIVATE KEY-----"\nend = "-----END RSA PRIVATE KEY-----"'],
    ['a body cut with an ellipsis', '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkq7Zq8vW2mN4kL7pR1...Uv3Wx5Yz8Ab0Cd2Ef4Gh6Ij8Kl0\n-----END EC PRIVATE KEY-----'],
    ['a body with prose in it', '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5v this is only a sample\n-----END OPENSSH PRIVATE KEY-----'],
  ])('reports nothing for %s', (_what, text) => {
    expect(found(text).filter(([t]) => t === 'PRIVATE_KEY')).toEqual([]);
  });
  it('still reports a header whose body was cut off by the end of the text', () => {
    expect(found('-----BEGIN RSA PRIVATE KEY-----\n')).toEqual([['PRIVATE_KEY', '-----BEGIN RSA PRIVATE KEY-----']]);
  });
});

describe('githubChecksumValid', () => {
  it.each([
    ['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', true],
    ['ghp_1111111111111111111111111111114SunM1', false],
    ['ghp_abc', false],
  ] as const)('%s -> %s', (token, ok) => {
    expect(githubChecksumValid(token, 4, token.length)).toBe(ok);
  });
});

describe('secrets: the tail of a key whose header was cut off', () => {
  const line = (k: number): string => `  *  ${'Zq8vW2mN4kL7pR1tY6uB3cX9dF0gH5jKa2Lm9Np4Qr7St1Uv3Wx5Yz8Ab0Cd2Ef4'.slice(k)}${'Gh6Ij8Kl0Mn'.slice(0, k)}`;
  it('reports the short last line, the checksum line and the footer after full-width lines', () => {
    const text = `${line(0)}\n${line(3)}\n${line(7)}\n  *  Rt5Yb8Nq2Lw\n  *  =Xk3P\n  *  -----END PGP PRIVATE KEY BLOCK-----\n  */`;
    const keys = found(text).filter(([t]) => t === 'PRIVATE_KEY').map(([, v]) => v);
    expect(keys.slice(3)).toEqual(['Rt5Yb8Nq2Lw', '=Xk3P', '-----END PGP PRIVATE KEY BLOCK-----']);
  });
  it('stops at code that follows the key', () => {
    const text = `"${line(0)}" +\n"${line(3)}" +\n"${line(7)}");\nreturn pkey;`;
    expect(found(text).map(([, v]) => v)).not.toContain('pkey');
  });
});

/** Credential listings (docs, wikis, notes): which values they label as secrets and which they leave alone. */
describe('secrets: credential listing conventions', () => {
  const reported: [string, string, SecretType, string][] = [
    ['a key and an operator', 'login: ops  passwd: Wq7#nLz4', 'PASSWORD', 'Wq7#nLz4'],
    ['a flag spelled in full, then a space', 'pg_dump --username ops --password Zr8!kTq3 db', 'PASSWORD', 'Zr8!kTq3'],
    ['a single-dash flag spelled in full', 'Connect-Db -Passphrase Kv2@mXr9', 'PASSWORD', 'Kv2@mXr9'],
    ['SQL: a quoted value after PASSWORD and a space', "CREATE ROLE reports LOGIN PASSWORD 'Tn4$wQz8';", 'PASSWORD', 'Tn4$wQz8'],
    ['SQL: a bare value ending the statement', 'CREATE ROLE reports WITH LOGIN PASSWORD Tn5$wQz9;', 'PASSWORD', 'Tn5$wQz9'],
    ['MySQL: a plugin then BY', "ALTER USER 'ro'@'%' IDENTIFIED WITH caching_sha2_password BY 'Hm6%vLp2';", 'PASSWORD', 'Hm6%vLp2'],
    ['a Bitbucket app password', 'app_pw=ATBBq8Zr3Kx7Lm2Nv5Pw9Ty4Bc6Df1Gh0Jk3E7A2', 'PASSWORD', 'ATBBq8Zr3Kx7Lm2Nv5Pw9Ty4Bc6Df1Gh0Jk3E7A2'],
    ['a password after its own key beside a login', 'host 10.9.8.7 (user:ops/pw:Qz3@rTk8)', 'PASSWORD', 'Qz3@rTk8'],
  ];
  it.each(reported)('reports %s', (_what, text, type, value) => {
    expect(found(text)).toContainEqual([type, value]);
  });

  const unreported: [string, string][] = [
    ['a login and password written as one value', 'ID/PW: ops/Wq7#nLz4'],
    ['the same with a colon', 'user:pwd = ops:Wq7#nLz4'],
    ['a default marked inside the value', 'pw: default:Wq7#nLz4'],
    ['a key and a bare space', 'ID ops PW Wq7#nLz4'],
    ['a key word and a space in a sentence', 'user ops password Wq7#nLz4'],
    ['an abbreviated flag and a space', 'svc --user ops --pass Wq7#nLz4'],
    ['a short flag and a space', 'tool -pw Wq7#nLz4'],
    ['a key followed by a parenthesis (a call)', "SET PASSWORD FOR 'ops'@'%' = PASSWORD('Wq7#nLz4');"],
    ['prose that says to pass an option in code quotes', 'To keep the stream open, pass `keepAlive: true` to the client.'],
    ['a short key name and a quoted value after a space', "login ops pw 'Wq7#nLz4'"],
    ['a Korean key name', '계정: ops 비번: Wq7#nLz4'],
    ['another Korean key name', '암호: Wq7#nLz4'],
    ['a SQL value that is a key word', "CREATE USER 'x'@'%' IDENTIFIED WITH ed25519 BY 'pass';"],
    ['a format prefix glued to a word', 'notATBBq8Zr3Kx7Lm2Nv5Pw9Ty4Bc6Df1Gh0Jk3E7A2'],
  ];
  it.each(unreported)('leaves %s alone', (_what, text) => {
    expect(found(text).filter(([t]) => t === 'PASSWORD')).toEqual([]);
  });
});

describe('secrets: key formats and shapes that credential listings label', () => {
  const reported: [string, string, string][] = [
    ['a Discord bot token (a numeric id in base64, a stamp, an HMAC)', 'BOT=ODA0MjExOTM3NTY1Mjk4MzEx.Gk7r2Q.Zp9wLm4Tq8Vx2Ny6Rb3Kc7Hf1Js5Dg0Wa-Ue', 'ODA0MjExOTM3NTY1Mjk4MzEx.Gk7r2Q.Zp9wLm4Tq8Vx2Ny6Rb3Kc7Hf1Js5Dg0Wa-Ue'],
    ['a Salesforce consumer key', 'client_id: 3MVGq8Zr3Kx7Lm2Nv5Pw9Ty4Bc6Df1Gh0Jk3Rt8Yu2Io6Pa4Sd9Fg1Hj5Kl7Zx3Cv.Bn0Mq2We4Rt6Yu8', '3MVGq8Zr3Kx7Lm2Nv5Pw9Ty4Bc6Df1Gh0Jk3Rt8Yu2Io6Pa4Sd9Fg1Hj5Kl7Zx3Cv.Bn0Mq2We4Rt6Yu8'],
    ['a Salesforce org id beside its tokens', 'org 00DQz8Kp3Lm7Rt2Vw', '00DQz8Kp3Lm7Rt2Vw'],
    ['a UUID after a flag naming a token', 'deploy --api-token 5f0c2a9e-7b41-4d3a-9c68-21e0b7f4a3d5', '5f0c2a9e-7b41-4d3a-9c68-21e0b7f4a3d5'],
    ['a quoted base64 value that starts with a slash', 'private_secret = "/Kq8Zr3Xw7Lm2Nv5Pw9Ty4Bc6Df1Gh0Jk"', '/Kq8Zr3Xw7Lm2Nv5Pw9Ty4Bc6Df1Gh0Jk'],
    ['key bytes in C braces', '#define HMACKEY {0x3f, 0x91, 0x0c, 0xd4, 0x7a, 0x22, 0xe8, 0x15, 0x90, 0x4b}', '0x3f, 0x91, 0x0c, 0xd4, 0x7a, 0x22, 0xe8, 0x15, 0x90, 0x4b'],
    ['key bytes in a Go slice', 'cfg := Config{Secret: []byte{17, 203, 4, 88, 150, 9, 244, 61, 72}}', '17, 203, 4, 88, 150, 9, 244, 61, 72'],
    ['a Braintree access token', 'access_token$production$k3v9q2m7x8z1w4r6$4f9a1c7e5b2d8046a9e1f3c5b7d9024e', 'access_token$production$k3v9q2m7x8z1w4r6$4f9a1c7e5b2d8046a9e1f3c5b7d9024e'],
    ['a random path segment after /token/', 'GET https://svc.example.org/v2/token/Zq8vW2mN4kL7pR1tY6uB3cX9dF0gH5jK', 'Zq8vW2mN4kL7pR1tY6uB3cX9dF0gH5jK'],
    ['a two-factor seed on its own line', 'scan the code or type:\nKR4WQZ3TMF2GKMLV\n', 'KR4WQZ3TMF2GKMLV'],
    ['a SendGrid key, however regular', 'SG.plumtreeplumtree.plumtreeplumtree', 'SG.plumtreeplumtree.plumtreeplumtree'],
    ['a Telegram bot token (id, colon, secret)', 'BOT_TOKEN: 7310284956:AAGq8Zr3Kx7Lm2Nv5Pw9Ty4Bc6Df1Gh0Jk3', '7310284956:AAGq8Zr3Kx7Lm2Nv5Pw9Ty4Bc6Df1Gh0Jk3'],
    ['a private JSON Web Key in base64', `jwk: ${Buffer.from('{\n  "kty": "OKP",\n  "crv": "Ed25519",\n  "d": "q8Zr3Kx7Lm2Nv5Pw9Ty4Bc6Df1Gh0Jk3Rt8Yu2Io6P",\n  "x": "Zq8vW2mN4kL7pR1tY6uB3cX9dF0gH5jKa2Lm9Np4Q"\n}').toString('base64')}`, Buffer.from('{\n  "kty": "OKP",\n  "crv": "Ed25519",\n  "d": "q8Zr3Kx7Lm2Nv5Pw9Ty4Bc6Df1Gh0Jk3Rt8Yu2Io6P",\n  "x": "Zq8vW2mN4kL7pR1tY6uB3cX9dF0gH5jKa2Lm9Np4Q"\n}').toString('base64')],
    ['a client secret a few lines after its Google client id', '724818391234-k3v9q2m7x8z1w4r6t5y0u2i8o4p6a1s3.apps.googleusercontent.com\n\nRt7kQ2mZ9xW4vL8nB3cF6hJ1\n', 'Rt7kQ2mZ9xW4vL8nB3cF6hJ1'],
  ];
  it.each(reported)('reports %s', (_what, text, value) => {
    expect(found(text)).toContainEqual(['API_KEY', value]);
  });

  const unreported: [string, string][] = [
    ['a random string whose head before a dash mixes cases (no provider prefix)', '<b>AAGq8Zr3-Kx7Lm2Nv5Pw9Ty4Bc6Df1Gh0Jk3</b>'],
    ['a public JSON Web Key in base64', Buffer.from('{\n  "kty": "OKP",\n  "crv": "Ed25519",\n  "x": "Zq8vW2mN4kL7pR1tY6uB3cX9dF0gH5jKa2Lm9Np4Q",\n  "use": "sig"\n}').toString('base64')],
    ['a provider prefix before digits only', 'hf_5102938475610293847561029384756102'],
    ['a JWT whose signature spells a placeholder', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkZW1vIn0.Qm9-SAMPLE-SIGNATURE'],
    ['a base32-looking segment inside a base64 line', 'Zq8vW2mN4kL7pR1tY6uB/MZXW6YTBOI4DCNRXGQ2TGMZUGE3Q5A7Y/Kc7Hf1Js5Dg0Wa'],
    ['an org-id shape that is upper-case hex (a digest)', 'ref 00D7C41B9E2F05A3D8'],
    ['a run of numbers after a key name', 'key_codes = [1, 2, 3, 4, 5, 6, 7, 8, 9]'],
    ['a UUID after a key that does not name a token', '<Key>5f0c2a9e-7b41-4d3a-9c68-21e0b7f4a3d5</Key>'],
    ['a quoted path', 'secret_path = "/var/lib/app/keys/server.pem"'],
    ['a path segment after /token/ that is a word', 'GET https://svc.example.org/v2/token/refresh-and-rotate-all-sessions'],
  ];
  it.each(unreported)('leaves %s alone', (_what, text) => {
    expect(found(text).filter(([t]) => t === 'API_KEY')).toEqual([]);
  });
});
