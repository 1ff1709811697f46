/** @module Provider token formats recognised by prefix and shape (AWS, GitHub, Slack, Stripe, OpenAI, Anthropic, Google...). */
import type { SecretType } from './filters.js';

export type Format = {
  readonly prefix: string;
  readonly type: SecretType;
  /** Minimum length of the part after the prefix. */
  readonly min: number;
  /** Exact total length when the format fixes it. */
  readonly exact?: number;
  /** Characters allowed after the prefix. */
  readonly charset: 'alnum' | 'alnumdash' | 'b64url' | 'b64' | 'upper' | 'lowerhex' | 'hex' | 'any';
  /** Case-insensitive prefix match (rare; most formats are case-exact). */
  readonly caseless?: boolean;
};

const F = (prefix: string, min: number, charset: Format['charset'], type: SecretType = 'API_KEY', exact?: number): Format =>
  exact === undefined ? { prefix, min, charset, type } : { prefix, min, charset, type, exact };

/** Longer prefixes first so `sk-ant-` wins over `sk-`. */
export const FORMATS: readonly Format[] = [
  F('github_pat_', 40, 'b64url'),
  F('sk-ant-', 30, 'b64url'),
  F('sk-proj-', 30, 'b64url'),
  F('sk_live_', 20, 'alnum'),
  F('sk_test_', 20, 'alnum'),
  F('rk_live_', 20, 'alnum'),
  F('rk_test_', 20, 'alnum'),
  F('whsec_', 24, 'alnum'),
  F('lin_api_', 30, 'alnum'),
  F('dop_v1_', 60, 'lowerhex'),
  F('doo_v1_', 60, 'lowerhex'),
  F('GOCSPX-', 24, 'b64url'),
  F('glpat-', 20, 'b64url'),
  F('glc_', 30, 'b64'),
  F('figd_', 30, 'b64url'),
  F('pplx-', 40, 'alnum'),
  F('xoxb-', 20, 'b64url'),
  F('xoxp-', 20, 'b64url'),
  F('xoxa-', 20, 'b64url'),
  F('xoxr-', 20, 'b64url'),
  F('xoxs-', 20, 'b64url'),
  F('xoxe-', 20, 'b64url'),
  F('xapp-', 20, 'b64url'),
  F('ghp_', 30, 'alnum'),
  F('gho_', 30, 'alnum'),
  F('ghu_', 30, 'alnum'),
  F('ghs_', 30, 'b64url'),
  F('ghr_', 30, 'alnum'),
  F('phc_', 30, 'alnum'),
  F('phs_', 30, 'alnum'),
  F('phr_', 30, 'alnum'),
  F('pha_', 30, 'alnum'),
  F('phx_', 30, 'alnum'),
  F('ops_', 100, 'b64url', 'PASSWORD'),
  F('hvs.', 24, 'b64url'),
  F('hf_', 30, 'alnum'),
  F('gsk_', 40, 'alnum'),
  F('r8_', 30, 'alnum'),
  F('npm_', 36, 'alnum'),
  F('pypi-', 50, 'b64url'),
  F('shpat_', 32, 'lowerhex'),
  F('shpss_', 32, 'lowerhex'),
  F('shpca_', 32, 'lowerhex'),
  F('shppa_', 32, 'lowerhex'),
  F('HRKU-', 36, 'b64url'),
  F('IGQVJ', 100, 'b64url'),
  // Facebook user and page access tokens.
  F('EAA', 80, 'alnum'),
  F('sq0atp-', 22, 'b64url'),
  F('sq0csp-', 40, 'b64url'),
  F('xkeysib-', 60, 'b64url'),
  F('akab-', 30, 'alnumdash'),
  F('dapi', 32, 'lowerhex', 'API_KEY', 36),
  F('ya29.', 20, 'b64url'),
  F('1//0', 30, 'b64url'),
  F('AIza', 35, 'b64url', 'API_KEY', 39),
  F('AKIA', 16, 'upper', 'API_KEY', 20),
  // Older AWS access key ids (A3T + a letter or digit), as gitleaks and trufflehog recognise them.
  F('A3T', 17, 'upper', 'API_KEY', 20),
  // Amazon Bedrock long-term API keys.
  F('ABSK', 80, 'b64'),
  // Salesforce connected-app consumer keys.
  F('3MVG', 60, 'b64url'),
  // Bitbucket app passwords (a password by name and use).
  F('ATBB', 32, 'alnum', 'PASSWORD', 36),
  // Grafana API keys: base64 of `{"k":"`.
  F('eyJrIjoi', 40, 'b64'),
  // GitLab runner registration tokens.
  F('GR1348941', 20, 'b64url'),
  // NATS nkey seeds (user, account, operator): base32, 58 characters.
  F('SU', 56, 'upper', 'API_KEY', 58),
  F('SA', 56, 'upper', 'API_KEY', 58),
  F('SO', 56, 'upper', 'API_KEY', 58),
  F('ASIA', 16, 'upper', 'API_KEY', 20),
  F('sk-', 32, 'b64url'),
  F('AGE-SECRET-KEY-1', 58, 'upper', 'PRIVATE_KEY'),
  F('dt0c01.', 80, 'b64url'),
  F('dp.pt.', 40, 'alnum'),
  F('dp.st.', 40, 'b64url'),
  F('dp.sa.', 40, 'alnum'),
  F('dp.ct.', 40, 'alnum'),
  F('SK', 32, 'hex', 'API_KEY', 34),
  F('AC', 32, 'hex', 'API_KEY', 34),
];

export function inCharset(c: number, charset: Format['charset']): boolean {
  const digit = c >= 48 && c <= 57;
  const upper = c >= 65 && c <= 90;
  const lower = c >= 97 && c <= 122;
  switch (charset) {
    case 'alnum':
      return digit || upper || lower;
    case 'alnumdash':
      return digit || upper || lower || c === 45;
    case 'upper':
      return digit || upper;
    case 'lowerhex':
      return digit || (c >= 97 && c <= 102);
    case 'hex':
      return digit || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
    case 'b64url':
      return digit || upper || lower || c === 45 || c === 95 || c === 46;
    case 'b64':
      return digit || upper || lower || c === 43 || c === 47 || c === 61;
    case 'any':
      return c > 32 && c < 127;
  }
}
