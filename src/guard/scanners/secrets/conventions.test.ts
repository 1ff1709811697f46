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
