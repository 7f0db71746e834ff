// Domains word their hints with the settings a user can change, by the setting's name ("force-conflicts",
// "request-timeout"), never by how a front end spells it. The command layer says once how a setting is
// spelled on its command line (src/commands/shared/flags/settings.ts: as a flag, "--force-conflicts");
// until it does, a setting is named as it is.
export type SettingSpelling = (setting: string) => string;

let spelling: SettingSpelling = (name) => name;

/** How the user changes this setting, for messages: "run again with ${setting('force-conflicts')}". */
export function setting(name: string): string {
  return spelling(name);
}

/** Called by the front end before any command runs. */
export function spellSettings(spell: SettingSpelling): void {
  spelling = spell;
}
