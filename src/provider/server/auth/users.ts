// People who sign in to the provider.
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/database.js';
import { ApiError, badRequest } from '../http/errors.js';
import { hashPassword, verifyPassword } from './secrets.js';

export interface User {
  id: string;
  username: string;
  displayName: string;
  email: string;
  role: 'admin' | 'user';
}

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  email: string;
  role: 'admin' | 'user';
  password_hash: string | null;
}

export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/;
export const MIN_PASSWORD_LENGTH = 8;

const toUser = (r: UserRow): User => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  email: r.email,
  role: r.role,
});

export interface NewUser {
  username: string;
  password?: string;
  role: 'admin' | 'user';
  displayName?: string;
  email?: string;
  id?: string;
}

/** Refuses a user name or password the provider would not accept (400). */
export function checkNewUser(input: Pick<NewUser, 'username' | 'password'>): void {
  if (!USERNAME_PATTERN.test(input.username)) {
    throw badRequest('invalid_username', 'username: letters, digits and . _ @ + -, at most 128 characters');
  }
  if (input.password !== undefined && input.password.length < MIN_PASSWORD_LENGTH) {
    throw badRequest('weak_password', `password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  }
}

export async function createUser(db: Queryable, input: NewUser): Promise<User> {
  checkNewUser(input);
  const hash = input.password === undefined ? null : await hashPassword(input.password);
  const rows = await db.query<UserRow>(
    `INSERT INTO users (id, username, display_name, email, role, password_hash)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (username) DO NOTHING RETURNING *`,
    [input.id ?? randomUUID(), input.username, input.displayName ?? '', input.email ?? '', input.role, hash],
  );
  if (rows.length === 0) throw new ApiError(409, 'user_exists', `user "${input.username}" already exists`);
  return toUser(rows[0]);
}

export async function findUser(db: Queryable, id: string): Promise<User | undefined> {
  const rows = await db.query<UserRow>('SELECT * FROM users WHERE id = $1', [id]);
  return rows[0] && toUser(rows[0]);
}

/** The user whose name and password these are, or undefined. */
export async function authenticate(
  db: Queryable,
  username: string,
  password: string,
): Promise<User | undefined> {
  const rows = await db.query<UserRow>('SELECT * FROM users WHERE username = $1', [username]);
  const ok = await verifyPassword(password, rows[0]?.password_hash ?? null);
  return ok && rows[0] ? toUser(rows[0]) : undefined;
}

export async function countUsers(db: Queryable): Promise<number> {
  const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
  return rows[0].n;
}

/**
 * The first admin (provider serve --init-admin): created when no user exists yet, so a restart with the
 * same flag is harmless. Returns whether it was created.
 */
export async function initAdmin(db: Queryable, username: string, password: string): Promise<boolean> {
  if ((await countUsers(db)) > 0) return false;
  try {
    await createUser(db, { username, password, role: 'admin' });
    return true;
  } catch (err) {
    // Another replica starting at the same moment created it first.
    if (err instanceof ApiError && err.code === 'user_exists') return false;
    throw err;
  }
}
