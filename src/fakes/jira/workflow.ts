/** A status with its category (`new`, `indeterminate`, `done`), as Jira groups them on boards. */
export interface FakeJiraStatus {
  id: string;
  name: string;
  category: 'new' | 'indeterminate' | 'done';
}

/** A transition: its own name (which need not be the target's), the statuses it leaves from, and its target. */
export interface FakeJiraTransition {
  id: string;
  name: string;
  /** Status ids it is available from; `any` for a global transition. */
  from: string[] | 'any';
  to: string;
}

export interface FakeJiraWorkflow {
  statuses: FakeJiraStatus[];
  transitions: FakeJiraTransition[];
  /** Where a new issue starts. */
  initial: string;
}

/**
 * The workflow of the ticket flow: To Do → Ready for Dev → In Progress → In Review → Done, with ways back. Transition
 * names differ from their targets' names on purpose ("Start progress" leads to "In Progress"), as in real workflows.
 */
export const DEFAULT_WORKFLOW: FakeJiraWorkflow = {
  statuses: [
    { id: '10000', name: 'To Do', category: 'new' },
    { id: '10001', name: 'Ready for Dev', category: 'new' },
    { id: '3', name: 'In Progress', category: 'indeterminate' },
    { id: '10002', name: 'In Review', category: 'indeterminate' },
    { id: '10003', name: 'Done', category: 'done' },
  ],
  transitions: [
    { id: '21', name: 'Ready for development', from: ['10000'], to: '10001' },
    { id: '31', name: 'Start progress', from: ['10000', '10001'], to: '3' },
    { id: '41', name: 'Request review', from: ['3'], to: '10002' },
    { id: '51', name: 'Approve and close', from: ['10002'], to: '10003' },
    { id: '61', name: 'Back to backlog', from: ['10001', '3', '10002'], to: '10000' },
    { id: '71', name: 'Back to work', from: ['10002'], to: '3' },
    { id: '81', name: 'Reopen', from: ['10003'], to: '10000' },
  ],
  initial: '10000',
};

/** The transitions available from `statusId`. */
export function transitionsFrom(workflow: FakeJiraWorkflow, statusId: string): FakeJiraTransition[] {
  return workflow.transitions.filter((transition) => transition.from === 'any' || transition.from.includes(statusId));
}
