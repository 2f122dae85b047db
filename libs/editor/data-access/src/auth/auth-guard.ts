import { inject } from '@angular/core';
import { Router, type CanActivateFn } from '@angular/router';
import { AuthStore } from './auth-store';

/** Lets logged-in users through; sends everyone else to /login, remembering where they were going. */
export const authGuard: CanActivateFn = async (_route, state) => {
  const router = inject(Router);
  const user = await inject(AuthStore).ensureLoaded().catch(() => null);
  return user ? true : router.createUrlTree(['/login'], { queryParams: { returnUrl: state.url } });
};
