/** How a person contributed to a change. */
export type ContributionKind = 'opened' | 'authored' | 'committed';

/**
 * A person who worked on a change (opened it, authored or committed one of its commits), forgebot's own account
 * excluded. Small and free of secrets: it travels through workflow history.
 */
export interface ChangeContributor {
  /** The forge account, when the forge confirmed who this is (GitLab user id, GitHub account id). */
  userId?: number;
  /** The forge username / login. */
  username?: string;
  /** Git author/committer names and the account's display name. */
  names: string[];
  /** Lower-cased, for matching a decider only: never posted, logged or shown. */
  emails: string[];
  kinds: ContributionKind[];
}

export interface ChangeContributors {
  people: ChangeContributor[];
  /** Commit emails the forge could not map to an account (their people are kept by name and email). */
  unmappedEmails: number;
  /** More people (or commits) than are kept: the list is not complete. */
  truncated: boolean;
}

export const MAX_CONTRIBUTORS = 50;
const MAX_PER_PERSON = 5;
const MAX_TEXT = 200;

/** What one source says of one person: a commit's author, the change's opener. */
export interface ContributorSighting {
  userId?: number;
  username?: string;
  name?: string;
  email?: string;
  kind: ContributionKind;
}

const clean = (text: string | undefined) => {
  const trimmed = text?.trim().slice(0, MAX_TEXT);
  return trimmed ? trimmed : undefined;
};

function addOnce<T>(list: T[], value: T | undefined): void {
  if (value !== undefined && !list.includes(value) && list.length < MAX_PER_PERSON) list.push(value);
}

/**
 * Gathers sightings into people: one person per forge account, else per email, else per name (case-insensitively),
 * at most MAX_CONTRIBUTORS of them, each with a few names and emails.
 */
export class ContributorList {
  private readonly people: ChangeContributor[] = [];
  private unmapped = new Set<string>();
  private truncated = false;

  add(sighting: ContributorSighting): void {
    const email = clean(sighting.email)?.toLowerCase();
    const name = clean(sighting.name);
    const username = clean(sighting.username);
    const { userId } = sighting;
    const mapped = (address: string) => this.people.some((person) => person.userId !== undefined && person.emails.includes(address));
    if (userId === undefined && email && !mapped(email)) this.unmapped.add(email);
    if (userId !== undefined && email) this.unmapped.delete(email);
    const same = (person: ChangeContributor) =>
      (userId !== undefined && person.userId === userId) ||
      (email !== undefined && person.emails.includes(email) && (userId === undefined || person.userId === undefined)) ||
      (userId === undefined && email === undefined && name !== undefined && person.names.some((known) => known.toLowerCase() === name.toLowerCase()));
    let person = this.people.find(same);
    if (!person) {
      if (this.people.length >= MAX_CONTRIBUTORS) {
        this.truncated = true;
        return;
      }
      person = { names: [], emails: [], kinds: [] };
      this.people.push(person);
    }
    if (userId !== undefined) person.userId = userId;
    if (username !== undefined) person.username = username;
    addOnce(person.names, name);
    addOnce(person.emails, email);
    if (!person.kinds.includes(sighting.kind)) person.kinds.push(sighting.kind);
  }

  /** Some commits were not read (the forge lists only so many). */
  markTruncated(): void {
    this.truncated = true;
  }

  result(): ChangeContributors {
    return { people: this.people.map((person) => ({ ...person, names: [...person.names], emails: [...person.emails], kinds: [...person.kinds] })), unmappedEmails: this.unmapped.size, truncated: this.truncated };
  }
}
