import { PresenceClient, type ClientOptions } from './client.js';
import { PresenceError } from './errors.js';
export interface EasemobOptions extends Omit<ClientOptions, 'org' | 'app'> {
    /** Easemob's app key, `org#app`; or give org and app. */
    appKey?: string;
    org?: string;
    app?: string;
}
export interface EasemobOpenOptions {
    user: string;
    accessToken?: string;
    /** A Tencent UserSig works as well, for apps that configure one. */
    userSig?: string;
    /** Not supported by this server yet (no password grant). */
    pwd?: string;
    resource?: string;
}
/** One user's presence in Easemob's REST shape. */
export interface EasemobPresence {
    uid: string;
    last_time: string;
    expiry?: string;
    ext: string;
    /** resource -> "0" offline, "1" online, or a custom status. */
    status: Record<string, string>;
}
/**
 * What onPresenceStatusChange receives, per user: the REST shape above, plus the field names of Easemob's Web SDK
 * event (`userId`, `description`, `expire`, `lastTime`, `statusDetails`), so handlers written for either read theirs.
 */
export interface EasemobPresenceChange extends EasemobPresence {
    userId: string;
    description: string;
    expire: number;
    lastTime: number;
    statusDetails: {
        device: string;
        status: number | string;
    }[];
}
export interface EasemobHandlers {
    onPresenceStatusChange?: (list: EasemobPresenceChange[]) => void;
    onConnected?: () => void;
    onDisconnected?: () => void;
    onError?: (error: PresenceError) => void;
}
export interface EasemobResult<T> {
    result: T;
    failed?: {
        uid: string;
        error: string;
        error_description: string;
    }[];
}
export declare class EasemobConnection {
    readonly client: PresenceClient;
    private readonly handlers;
    constructor(options: EasemobOptions);
    open(options: EasemobOpenOptions): Promise<{
        accessToken?: string;
    }>;
    /** Closes without logging out; `logout` ends this device's session (its status goes to "0"). */
    close(): void;
    logout(): Promise<void>;
    addEventHandler(id: string, handlers: EasemobHandlers): void;
    removeEventHandler(id: string): void;
    /** `description` is our `ext`. */
    publishPresence(options: {
        description: string;
    }): Promise<{
        result: 'ok';
    }>;
    /** `expiry` in seconds (at most 30 days); the result carries each subscription's absolute `expiry`. */
    subscribePresence(options: {
        usernames: string[];
        expiry: number;
    }): Promise<EasemobResult<EasemobPresence[]>>;
    unsubscribePresence(options: {
        usernames: string[];
    }): Promise<{
        result: 'ok';
    }>;
    getPresenceStatus(options: {
        usernames: string[];
    }): Promise<EasemobResult<EasemobPresence[]>>;
    /** R5 with the user token. Easemob's examples count pages from 0 and ours from 1: 0 is read as the first page. */
    getSubscribedPresencelist(options?: {
        pageNum?: number;
        pageSize?: number;
    }): Promise<{
        result: {
            totalnum: string;
            sublist: {
                uid: string;
                expiry: string;
            }[];
        };
    }>;
    /** Agora Chat's spelling of the same call. */
    getSubscribedPresenceList(options?: {
        pageNum?: number;
        pageSize?: number;
    }): Promise<{
        result: {
            totalnum: string;
            sublist: {
                uid: string;
                expiry: string;
            }[];
        };
    }>;
    private changeOf;
    private each;
}
/** `import EC from …; const conn = new EC.connection({...})`: Easemob's entry point. */
declare const Easemob: {
    connection: typeof EasemobConnection;
};
export default Easemob;
