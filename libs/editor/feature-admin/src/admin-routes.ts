import type { Routes } from '@angular/router';
import { FlagsPage } from './flags-page';

/** The admin feature, mounted under `/admin` behind the admin guard. */
export const adminRoutes: Routes = [{ path: 'flags', component: FlagsPage, title: 'Flags · Storyline' }];
