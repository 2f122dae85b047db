import type { Routes } from '@angular/router';
import { FlagsPage } from './flags-page';
import { OperationsPage } from './operations-page';

/** The admin feature, mounted under `/admin` behind the admin guard. */
export const adminRoutes: Routes = [
  { path: 'flags', component: FlagsPage, title: 'Flags · Storyline' },
  { path: 'operations', component: OperationsPage, title: 'Operations · Storyline' },
];
