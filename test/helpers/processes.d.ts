import type { ChildProcess } from 'node:child_process';
export declare function register(child: ChildProcess): void;
export declare function killPid(pid: number, signal: NodeJS.Signals): void;
