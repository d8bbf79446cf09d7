import {
  ERRORS,
  type LoginBody,
  type PublicUser,
  type RegisterBody,
} from '../../protocol/index.js';
import { fail } from '../shared/app-error.js';
import { type Clock, isoAt } from '../shared/clock.js';
import type { RateLimiter } from '../shared/rate-limiter.js';
import type { AccountStore } from './account-store.js';
import type { PasswordHasher } from './password-hasher.js';
import { hashToken, newToken } from './session-tokens.js';

/** Who a request or socket acts as; `tokenHash` names the session (for logout). */
export interface AuthUser {
  id: number;
  username: string;
  tokenHash: string;
}

export interface AccountLimits {
  loginFailuresByName: RateLimiter;
  loginFailuresByAddress: RateLimiter;
  registrationsByAddress: RateLimiter;
}

export interface LoginResult {
  token: string;
  user: PublicUser;
  expiresAt: string;
  maxAgeSeconds: number;
}

export class AccountService {
  constructor(
    private readonly store: AccountStore,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
    private readonly sessionTtlMs: number,
    private readonly limits: AccountLimits,
  ) {}

  async register(body: RegisterBody, address: string): Promise<PublicUser> {
    if (!this.limits.registrationsByAddress.hit(address)) throw fail.rateLimited();
    if (await this.store.findUserByName(body.username)) throw fail.conflict(ERRORS.usernameTaken);
    const hash = await this.hasher.hash(body.password);
    const user = await this.store.createUser(body.username, hash, isoAt(this.clock.now()));
    if (!user) throw fail.conflict(ERRORS.usernameTaken);
    return { id: user.id, username: user.username };
  }

  async login(body: LoginBody, address: string): Promise<LoginResult> {
    const nameKey = body.username.toLowerCase();
    if (
      this.limits.loginFailuresByName.isExhausted(nameKey) ||
      this.limits.loginFailuresByAddress.isExhausted(address)
    ) {
      throw fail.rateLimited();
    }
    const user = await this.store.findUserByName(body.username);
    let ok = false;
    if (user) ok = await this.hasher.verify(user.passwordHash, body.password);
    else await this.hasher.verifyDummy(body.password);
    if (!user || !ok) {
      this.limits.loginFailuresByName.hit(nameKey);
      this.limits.loginFailuresByAddress.hit(address);
      throw fail.unauthorized(ERRORS.badCredentials);
    }
    this.limits.loginFailuresByName.reset(nameKey);
    const token = newToken();
    const now = this.clock.now();
    const expiresAt = isoAt(now + this.sessionTtlMs);
    await this.store.createSession(hashToken(token), user.id, isoAt(now), expiresAt);
    return {
      token,
      user: { id: user.id, username: user.username },
      expiresAt,
      maxAgeSeconds: Math.floor(this.sessionTtlMs / 1000),
    };
  }

  /** The session's user, or null when the token is unknown, revoked or expired. */
  async authenticate(token: string): Promise<AuthUser | null> {
    if (token.length === 0 || token.length > 200) return null;
    const tokenHash = hashToken(token);
    const session = await this.store.findSession(tokenHash);
    if (!session) return null;
    if (session.expiresAt <= isoAt(this.clock.now())) {
      await this.store.deleteSession(tokenHash);
      return null;
    }
    return { id: session.userId, username: session.username, tokenHash };
  }

  async logout(user: AuthUser): Promise<void> {
    await this.store.deleteSession(user.tokenHash);
  }
}
