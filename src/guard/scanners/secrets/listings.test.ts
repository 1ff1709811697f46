import { describe, expect, it } from 'vitest';
import { detectSecrets, type SecretType } from './detect.js';

function found(text: string): [SecretType, string][] {
  return detectSecrets(text).map((e) => [e.type, text.slice(e.start, e.end)]);
}

/** Credential listings (docs, wikis, notes): which values they label as secrets and which they leave alone. */
describe('secrets: credential listing conventions', () => {
  const reported: [string, string, SecretType, string][] = [
    ['a key and an operator', 'login: ops  passwd: Wq7#nLz4', 'PASSWORD', 'Wq7#nLz4'],
    ['a flag spelled in full, then a space', 'pg_dump --username ops --password Zr8!kTq3 db', 'PASSWORD', 'Zr8!kTq3'],
    ['a single-dash flag spelled in full', 'Connect-Db -Passphrase Kv2@mXr9', 'PASSWORD', 'Kv2@mXr9'],
    ['SQL: a quoted value after PASSWORD and a space', "CREATE ROLE reports LOGIN PASSWORD 'Tn4$wQz8';", 'PASSWORD', 'Tn4$wQz8'],
    ['SQL: a bare value ending the statement', 'CREATE ROLE reports WITH LOGIN PASSWORD Tn5$wQz9;', 'PASSWORD', 'Tn5$wQz9'],
    ['MySQL: a plugin then BY', "ALTER USER 'ro'@'%' IDENTIFIED WITH caching_sha2_password BY 'Hm6%vLp2';", 'PASSWORD', 'Hm6%vLp2'],
    ['MySQL: a plugin then AS (a stored hash)', "CREATE USER 'ro'@'%' IDENTIFIED WITH 'mysql_native_password' AS '*3B9E0C71AF58D24E6C0B17F9A2D84C5E91F0A6D3';", 'PASSWORD', '*3B9E0C71AF58D24E6C0B17F9A2D84C5E91F0A6D3'],
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
    ['a Korean key name', '계정: ops 비번: Wq7#nLz4'],
    ['another Korean key name', '암호: Wq7#nLz4'],
    ['a SQL value that is a key word', "CREATE USER 'x'@'%' IDENTIFIED WITH sha256_password BY 'pass';"],
    ['a format prefix glued to a word', 'notATBBq8Zr3Kx7Lm2Nv5Pw9Ty4Bc6Df1Gh0Jk3E7A2'],
  ];
  it.each(unreported)('leaves %s alone', (_what, text) => {
    expect(found(text).filter(([t]) => t === 'PASSWORD')).toEqual([]);
  });
});
