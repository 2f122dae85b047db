import type { Routes } from '@angular/router';
import { JobPage } from './job-page';

/** Job pages, mounted under `/jobs`; the page's `id` input comes from the route. */
export const jobsRoutes: Routes = [{ path: ':id', component: JobPage, title: 'Job · Storyline' }];
