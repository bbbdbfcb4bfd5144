/** The Volsync maintenance scripts (shipped in one ConfigMap with backup-lib.sh). */
import * as path from "path";

export const VOLSYNC_VERIFY_SCRIPT = path.join(__dirname, "volsync-verify.sh");
export const VOLSYNC_STUCK_SCRIPT = path.join(__dirname, "volsync-stuck-restore.sh");
export const KOPIA_UI_SCRIPT = path.join(__dirname, "kopia-ui.sh");
export const KOPIA_LIB = path.join(__dirname, "kopia-lib.sh");
export const VOLSYNC_SCRIPTS = [VOLSYNC_VERIFY_SCRIPT, VOLSYNC_STUCK_SCRIPT, KOPIA_UI_SCRIPT, KOPIA_LIB];
