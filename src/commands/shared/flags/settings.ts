// How the CLI spells the settings domains name in their messages: each is the flag of the same name.
import { spellSettings } from '../../../core/settings.js';

/** The flag that sets a domain setting ("force-conflicts" -> "--force-conflicts"). */
export function flagFor(setting: string): string {
  return `--${setting}`;
}

export function spellSettingsAsFlags(): void {
  spellSettings(flagFor);
}
