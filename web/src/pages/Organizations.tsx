import { ScopesPage } from "./ScopesPage";

export function OrganizationsPage() {
  return <ScopesPage scope="organizations" />;
}
