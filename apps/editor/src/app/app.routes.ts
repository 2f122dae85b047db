import type { Routes } from '@angular/router';
import { adminGuard, authGuard } from '@storyline/editor/data-access';

/** Each feature loads on its first visit; the guards keep out whoever may not see it. */
export const appRoutes: Routes = [
  {
    path: 'login',
    title: 'Log in · Storyline',
    loadComponent: () => import('@storyline/editor/feature-auth').then((m) => m.LoginPage),
  },
  {
    path: 'stories',
    canActivate: [authGuard],
    loadChildren: () => import('@storyline/editor/feature-stories').then((m) => m.storiesRoutes),
  },
  {
    path: 'regions',
    canActivate: [authGuard],
    loadChildren: () => import('@storyline/editor/feature-stories').then((m) => m.regionsRoutes),
  },
  {
    path: 'heroes',
    canActivate: [authGuard],
    loadChildren: () => import('@storyline/editor/feature-stories').then((m) => m.heroesRoutes),
  },
  {
    path: 'epics',
    canActivate: [authGuard],
    loadChildren: () => import('@storyline/editor/feature-stories').then((m) => m.epicsRoutes),
  },
  {
    path: 'jobs',
    canActivate: [authGuard],
    loadChildren: () => import('@storyline/editor/feature-stories').then((m) => m.jobsRoutes),
  },
  {
    path: 'admin',
    canActivate: [adminGuard],
    loadChildren: () => import('@storyline/editor/feature-admin').then((m) => m.adminRoutes),
  },
  { path: '', pathMatch: 'full', redirectTo: 'stories' },
  { path: '**', redirectTo: 'stories' },
];
