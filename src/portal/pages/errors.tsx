import { Layout } from '../layout.js';
import type { PortalSession } from '../session/service.js';

/** The page (or htmx fragment) for a refused or failed portal request. */
export function ErrorPage(props: {
  session: PortalSession | null;
  status: number;
  title: string;
  message: string;
  requestId: string;
  fragment: boolean;
}): JSX.Element {
  const body = (
    <div class="alert error" role="alert">
      <strong safe>{props.title}</strong>
      <p safe>{props.message}</p>
      <p class="hint">
        Status {props.status} · request <code safe>{props.requestId}</code>
      </p>
    </div>
  );
  if (props.fragment) return body;
  return (
    <Layout title={props.title} session={props.session}>
      <h1 safe>{props.title}</h1>
      {body}
      <p>
        <a href="/portal">Back to the portal</a>
      </p>
    </Layout>
  );
}
