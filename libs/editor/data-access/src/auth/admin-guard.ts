import { inject } from '@angular/core';
import { Router, type CanActivateFn } from '@angular/router';
import { AuthStore } from './auth-store';

/** Lets admins through; sends anonymous users to /login and other users to their stories. */
export const adminGuard: CanActivateFn = async (_route, state) => {
  const router = inject(Router);
  const user = await inject(AuthStore).ensureLoaded().catch(() => null);
  if (!user) return router.createUrlTree(['/login'], { queryParams: { returnUrl: state.url } });
  return user.role === 'admin' ? true : router.createUrlTree(['/stories']);
};
