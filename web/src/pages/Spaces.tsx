import { ScopesPage } from "./ScopesPage";

export function SpacesPage() {
  return <ScopesPage scope="spaces" />;
}
