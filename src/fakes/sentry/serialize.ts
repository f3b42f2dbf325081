import type { FakeSentryComment, FakeSentryIssue, FakeSentryUser } from './state.js';

// Objects as Sentry's serializers write them (the group serializer for an issue, the activity serializer for a
// comment), with the fields its API reference shows.

export const iso = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

export function serializeUser(user: FakeSentryUser) {
  return {
    id: user.id, name: user.name, username: user.username, email: user.email, avatarUrl: null, isActive: true, hasPasswordAuth: false,
    isManaged: false, dateJoined: '2024-01-08T09:00:00.000000Z', lastLogin: null, has2fa: false, lastActive: null, isSuperuser: false,
    isStaff: false, experiments: {}, emails: [], avatar: { avatarType: 'letter_avatar', avatarUuid: null },
  };
}

/** `GET /api/0/organizations/{org}/issues/{id}/`. */
export function serializeIssue(issue: FakeSentryIssue, baseUrl: string, numComments: number) {
  return {
    id: issue.id,
    shareId: null,
    shortId: issue.shortId,
    title: issue.title,
    culprit: issue.culprit ?? null,
    permalink: `${baseUrl}/organizations/${issue.org}/issues/${issue.id}/`,
    logger: null,
    level: issue.level,
    status: issue.status,
    statusDetails: {},
    substatus: issue.status === 'unresolved' ? 'new' : null,
    isPublic: false,
    platform: issue.platform,
    project: { id: issue.project.id, name: issue.project.name ?? issue.project.slug, slug: issue.project.slug, platform: issue.project.platform ?? issue.platform },
    type: 'error',
    metadata: issue.metadata,
    numComments,
    assignedTo: null,
    isBookmarked: false,
    isSubscribed: false,
    subscriptionDetails: null,
    hasSeen: false,
    annotations: [],
    issueType: 'error',
    issueCategory: 'error',
    priority: 'high',
    isUnhandled: issue.isUnhandled ?? true,
    // Sentry sends the issue's event count as a string.
    count: String(issue.count),
    userCount: issue.userCount,
    firstSeen: issue.firstSeen,
    lastSeen: issue.lastSeen,
    activity: [],
    seenBy: [],
    participants: [],
    pluginActions: [],
    pluginIssues: [],
    pluginContexts: [],
    userReportCount: 0,
    stats: {},
  };
}

/** A comment: an activity of type `note`. */
export function serializeComment(comment: FakeSentryComment) {
  return {
    id: comment.id,
    user: serializeUser(comment.user),
    sentry_app: null,
    type: 'note',
    data: { text: comment.text },
    dateCreated: iso(comment.createdAt),
  };
}
