/** @module Records of the control plane shared by every room: API keys and model restrictions. */

export type ApiKeyRecord = {
  readonly id: string;
  readonly tenant: string;
  readonly name: string | null;
  /** Hex SHA-256 of the key; the key itself is never stored. */
  readonly hash: string;
  /** First characters of the key, to recognise it in listings. */
  readonly prefix: string;
  /** Models this key may use; null = every configured model. */
  readonly models: readonly string[] | null;
  /** Requests per minute; null = unlimited. */
  readonly rpm: number | null;
  readonly createdAt: number;
  readonly revokedAt: number | null;
};

export type RestrictionScope = {
  readonly regions?: readonly string[];
  readonly tenants?: readonly string[];
  readonly keys?: readonly string[];
};

export type RestrictionAction = { readonly kind: 'deny' } | { readonly kind: 'fallback'; readonly model: string };

export type Restriction = {
  readonly id: string;
  /** A model id, a glob such as `claude-3-*`, or `*`. */
  readonly model: string;
  readonly scope: RestrictionScope;
  readonly action: RestrictionAction;
  readonly reason: string;
  readonly incident: string | null;
  readonly createdBy: string;
  readonly createdAt: number;
  readonly expiresAt: number | null;
  readonly terminateInFlight: boolean;
  readonly liftedAt: number | null;
  readonly liftedBy: string | null;
  readonly liftReason: string | null;
};

export type NodeRecord = {
  readonly id: string;
  readonly region: string;
  readonly pid: number | null;
  readonly host: string | null;
  readonly startedAt: number;
  readonly heartbeatAt: number;
  readonly appliedVersion: number;
  readonly appliedAt: number;
  readonly stoppedAt: number | null;
};
