/**
 * Who reads a TCP stream's socket, and what a direct read returned (see `TcpStream.readDirect`).
 *
 * @internal
 * @packageDocumentation
 */

/** `TcpStream.readMode`: this thread reads the socket directly. @internal */
export const READ_DIRECT = 0;
/** `TcpStream.readMode`: a reader waits; the driver retries the socket at its turns. @internal */
export const READ_POLLED = 1;
/** `TcpStream.readMode`: the reactor reads the socket until its next chunk (`TcpReadOnce`). @internal */
export const READ_BY_REACTOR = 2;

/** `TcpStream.readDirect`: the socket has nothing to read now. @internal */
export const WOULD_BLOCK = -1;
/** `TcpStream.readDirect`: this thread cannot read the socket itself now. @internal */
export const NOT_DIRECT = -2;
