/**
 * Where the wallet password comes from, in order: --password-file (its first
 * line), the TALLY_WALLET_PASSWORD environment variable, or a prompt without
 * echo when stdin is a terminal. Nothing else: a password is never an argument.
 */
import { readFileSync } from 'node:fs';
import { CliError, EXIT_FAILURE } from '../io.js';

export const PASSWORD_ENV = 'TALLY_WALLET_PASSWORD';

export interface PasswordOptions {
  passwordFile?: string;
}

/** The first line of a file, without its line ending. */
export function firstLine(text: string): string {
  const nl = text.search(/\r?\n/);
  return nl < 0 ? text : text.slice(0, nl);
}

/** Reads the password; `confirm` asks twice at a prompt (new wallets). */
export async function readPassword(opts: PasswordOptions, confirm = false): Promise<string> {
  if (opts.passwordFile !== undefined) {
    try {
      return firstLine(readFileSync(opts.passwordFile, 'utf8'));
    } catch (err) {
      throw new CliError(`cannot read the password file ${opts.passwordFile}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, EXIT_FAILURE);
    }
  }
  const fromEnv = process.env[PASSWORD_ENV];
  if (fromEnv !== undefined) return fromEnv;
  if (!process.stdin.isTTY) throw new CliError(`no password: pass --password-file <file>, set ${PASSWORD_ENV}, or run in a terminal to be asked`);
  const password = await promptHidden('Wallet password: ');
  if (confirm && (await promptHidden('Repeat the password: ')) !== password) throw new CliError('the passwords differ', EXIT_FAILURE);
  return password;
}

/** Reads one line from the terminal without echoing it. */
export function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    let value = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          finish();
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          finish();
          reject(new CliError('cancelled', EXIT_FAILURE));
          return;
        }
        value = ch === '\u007f' || ch === '\b' ? value.slice(0, -1) : value + ch;
      }
    };
    process.stderr.write(question);
    stdin.setEncoding('utf8');
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}
