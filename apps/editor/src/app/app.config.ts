import { type ApplicationConfig, provideBrowserGlobalErrorListeners, provideZonelessChangeDetection } from '@angular/core';
import { provideRouter, withComponentInputBinding } from '@angular/router';
import { provideTrpc } from '@storyline/editor/data-access';
import { appRoutes } from './app.routes';

/** Zoneless: signals tell Angular what changed, so there is no zone.js in the bundle. */
export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideZonelessChangeDetection(),
    provideRouter(appRoutes, withComponentInputBinding()),
    provideTrpc(),
  ],
};
