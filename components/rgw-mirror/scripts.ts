/** The RGW mirror's payload script (shipped in one ConfigMap with backup-lib.sh). */
import * as path from "path";

export const RGW_MIRROR_SCRIPT = path.join(__dirname, "rgw-mirror.sh");
export const RGW_SCRIPTS = [RGW_MIRROR_SCRIPT];
