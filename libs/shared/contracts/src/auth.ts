import * as z from 'zod';

export const LoginInput = z.object({
  username: z.string().trim().min(1, 'the username is required').max(100),
  password: z.string().min(1, 'the password is required').max(1_000),
});
export type LoginInput = z.infer<typeof LoginInput>;

export const UserRole = z.enum(['user', 'admin']);
export type UserRole = z.infer<typeof UserRole>;

export const SessionUser = z.object({ id: z.string(), username: z.string(), role: UserRole });
export type SessionUser = z.infer<typeof SessionUser>;
