/**
 * Thrown inside the replay when a statement does something the model cannot follow; the replay
 * catches it and lists the statement under `unfollowed` with this message as the reason. Never
 * escapes buildExpectedSchema, so it is not a SmokeFixError.
 */
export class Unfollowable extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'Unfollowable';
  }
}
