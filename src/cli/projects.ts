import type { Command } from "commander";
import type { Project } from "../features/access/index.js";
import { clientAction, type Context } from "./command.js";
import { runList, pagingOptions, type PagingOptions } from "./listing.js";
import { cell, whenCell, whenDetail, type Column } from "./output.js";
import { parseText } from "./parse.js";
import { printResource, registerDeleteCommand, resourcePath } from "./resource.js";
import { resolveProject, resolveSpace } from "./resolve.js";
import { oneLine } from "./text.js";

function projectDetails(ctx: Context, project: Project): [string, string][] {
  return [
    ["ID", cell(project.id)],
    ["Name", cell(project.name)],
    ["Space", cell(project.space_id)],
    ["Created", whenDetail(ctx.output, project.created_at)],
  ];
}

function projectColumns(ctx: Context): Column<Project>[] {
  return [
    { header: "id", value: (p) => cell(p.id) },
    { header: "name", value: (p) => cell(p.name), max: 40 },
    { header: "space", value: (p) => cell(p.space_id) },
    { header: "created", value: (p) => whenCell(ctx.output, p.created_at) },
  ];
}

/** A project reference (id, or name within --space when given) as an id. */
async function projectId(ctx: Context, reference: string, space: string | undefined): Promise<string> {
  return resolveProject(ctx.client, reference, space === undefined ? undefined : await resolveSpace(ctx.client, space));
}

/** `keyhouse projects ...` (SPEC §12). */
export function registerProjectCommands(program: Command): void {
  const projects = program.command("projects").description("list and manage the projects of spaces");
  const spaceOption = (command: Command) =>
    command.option("--space <space>", "the project's space (name or id), to tell same-named projects apart");

  pagingOptions(
    projects
      .command("list")
      .description("list the projects of the spaces you can see")
      .option("--space <space>", "only projects of this space (name or id)")
      .option("--space-name <name>", "only projects of the spaces with this name, in any organization")
      .option("--name <text>", "only projects whose name contains this (case-insensitive)"),
  ).action(
    clientAction<PagingOptions & { space?: string; spaceName?: string; name?: string }>(async (ctx, _args, options) => {
      const query = {
        space_id: options.space === undefined ? undefined : await resolveSpace(ctx.client, options.space),
        space_name: options.spaceName,
        name: options.name,
      };
      const spec = { path: "/v2/projects", listKey: "projects", noun: "projects", id: (p: Project) => p.id, columns: projectColumns };
      await runList(ctx, spec, query, options);
    }),
  );

  projects
    .command("create")
    .description("create a project in a space (members and admins of the space)")
    .requiredOption("--name <name>", "its name, unique in the space", parseText)
    .requiredOption("--space <space>", "the space (name or id)")
    .action(
      clientAction<{ name: string; space: string }>(async (ctx, _args, options) => {
        const created = await ctx.client.post<Project>("/v2/projects", {
          name: options.name,
          space_id: await resolveSpace(ctx.client, options.space),
        });
        printResource(ctx, created, (p) => projectDetails(ctx, p));
      }),
    );

  spaceOption(projects.command("get").description("show one project").argument("<project>", "name or id")).action(
    clientAction<{ space?: string }>(async (ctx, [reference = ""], options) => {
      const id = await projectId(ctx, reference, options.space);
      printResource(ctx, await ctx.client.get<Project>(resourcePath("/v2/projects", id)), (p) => projectDetails(ctx, p));
    }),
  );

  spaceOption(
    projects
      .command("update")
      .description("rename a project")
      .argument("<project>", "name or id")
      .requiredOption("--name <name>", "the new name", parseText),
  ).action(
    clientAction<{ name: string; space?: string }>(async (ctx, [reference = ""], options) => {
      const id = await projectId(ctx, reference, options.space);
      const updated = await ctx.client.patch<Project>(resourcePath("/v2/projects", id), { name: options.name });
      printResource(ctx, updated, (p) => projectDetails(ctx, p));
    }),
  );

  registerDeleteCommand<Project>(projects, {
    noun: "project",
    description: "delete a project, its role bindings and its restriction",
    argument: ["<project>", "name or id"],
    base: "/v2/projects",
    resolve: (client, reference) => resolveProject(client, reference),
    question: (project) => `Delete project "${oneLine(project.name)}"? Its role bindings and restriction are removed.`,
  });
}
