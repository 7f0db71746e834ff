// What a command's action receives: parsed global flags, a printer for data on stdout, a logger for
// everything else on stderr, the user's config and context, and a signal that fires on Ctrl-C.
import { colorEnabled } from '../../core/output/color.js';
import { Logger } from '../../core/output/logger.js';
import { Printer } from '../../core/output/printer.js';
import { stderr as stderrSink, stdout as stdoutSink, type Sink } from '../../core/output/sink.js';
import { meshdeckPaths, type Env, type MeshdeckPaths } from '../../core/paths.js';
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { formatIssue, loadConfig, type LoadedConfig } from '../../core/config/store.js';
import { resolveContext, withOverrides, type ResolvedContext } from '../../core/config/contexts.js';
import type { ContextSpec } from '../../core/config/model.js';
import { Factory } from './factory.js';
import type { GlobalOptions } from './globals.js';

export class Invocation {
  readonly log: Logger;
  readonly out: Printer;
  readonly paths: MeshdeckPaths;
  /** The cluster, provider, perf stores and design library of this command, opened on first use. */
  readonly factory: Factory;
  private loaded?: Promise<LoadedConfig>;

  constructor(
    /** The command being run; its root is the whole command tree. */
    readonly command: CommandUnknownOpts,
    readonly globals: GlobalOptions,
    readonly format: string,
    readonly signal: AbortSignal,
    readonly env: Env = process.env,
    readonly stdout: Sink = stdoutSink(),
    readonly stderr: Sink = stderrSink(),
  ) {
    const stderrTTY = stderr.isTTY;
    this.log = new Logger(stderr, {
      quiet: globals.quiet,
      verbose: globals.verbose,
      isTTY: stderrTTY,
      color: colorEnabled({ isTTY: stderrTTY, noColorFlag: !globals.color, quiet: globals.quiet, env }),
    });
    this.out = new Printer(stdout, format);
    this.paths = meshdeckPaths(env);
    this.factory = new Factory(this);
  }

  /** Whether stdout is a terminal with colour allowed, for commands that colour their data. */
  get stdoutColor(): boolean {
    return colorEnabled({
      isTTY: this.stdout.isTTY,
      noColorFlag: !this.globals.color,
      quiet: this.globals.quiet,
      env: this.env,
    });
  }

  /** The config file, loaded once; its warnings are printed the first time. */
  config(): Promise<LoadedConfig> {
    this.loaded ??= loadConfig(this.paths.configFile, this.paths.cacheDir).then((loaded) => {
      for (const w of loaded.warnings) this.log.warn(formatIssue(loaded.path, w));
      return loaded;
    });
    return this.loaded;
  }

  /** The context this command targets, with --kubeconfig, --kube-context and -n applied. */
  async context(): Promise<ResolvedContext & { effective: ContextSpec }> {
    const loaded = await this.config();
    const resolved = resolveContext(loaded, { flag: this.globals.context, env: this.env.MESHDECK_CONTEXT });
    return {
      ...resolved,
      effective: withOverrides(resolved.spec, {
        kubeconfig: this.globals.kubeconfig,
        kubeContext: this.globals.kubeContext,
        namespace: this.globals.namespace,
      }),
    };
  }

  /** Fails with exit 130 if Ctrl-C was pressed; for loops between steps. */
  throwIfInterrupted(): void {
    if (this.signal.aborted) throw this.signal.reason;
  }
}
