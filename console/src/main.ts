/**
 * Entry of the console: picks the language, asks the hub whether a session
 * exists (the cookie is HttpOnly: the page cannot look), and shows the
 * sign-in, the invitation page, or the console for the role.
 */

import { api } from './api.js';
import { runSignedIn } from './app.js';
import { initialLanguage, setLanguage } from './i18n.js';
import { showAcceptInvitation, showSignIn } from './pages/auth.js';
import { showReaderAccept, showReaderSignIn } from './pages/reader.js';
import './pages/factory.js';
import './pages/programme.js';
import './pages/deadlines.js';
import './pages/grievances.js';
import './pages/content.js';
import './pages/schedules.js';

setLanguage(initialLanguage().tag);

if (window.location.pathname === '/accept') {
  showAcceptInvitation();
} else if (window.location.pathname === '/reader/accept') {
  showReaderAccept();
} else if (window.location.pathname.startsWith('/reader')) {
  // A reader's key lives only in this page's memory: a reload signs in again.
  showReaderSignIn();
} else {
  api
    .session()
    .then((session) => {
      if (window.location.pathname === '/sign-in') history.replaceState(null, '', '/factories');
      runSignedIn(session);
    })
    .catch(() => showSignIn(runSignedIn));
}
