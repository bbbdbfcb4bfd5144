/** The Postgres path's payload scripts (shipped in one ConfigMap with backup-lib.sh). */
import * as path from "path";

export const PG_BACKUP_SCRIPT = path.join(__dirname, "pg-backup.sh");
export const PG_RESTORE_DRILL_SCRIPT = path.join(__dirname, "pg-restore-drill.sh");
export const PG_LIB = path.join(__dirname, "pg-lib.sh");
export const POSTGRES_SCRIPTS = [PG_BACKUP_SCRIPT, PG_RESTORE_DRILL_SCRIPT, PG_LIB];
