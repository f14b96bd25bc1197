/**
 * The Python run inside the project's own `manage.py shell -c …`: one process reads the whole
 * history. It is a string here, not a .py file, because the dist build ships no .py files.
 *
 * What it does, in Django's own terms (django/db/migrations/loader.py, `collect_sql`, and
 * core/management/commands/sqlmigrate.py), for Django 3.2 up to 5.x:
 *   1. `MigrationLoader(connection)` with `replace_migrations=True`, exactly as `migrate` loads it:
 *      a squashed migration stands for the ones it replaces when all of them are applied (or none);
 *      when only some are, Django drops the squash from the graph and the originals are read.
 *   2. The applied set is the loader's (the recorder's rows, plus a squash whose replaced
 *      migrations are all applied); timestamps come from `MigrationRecorder(...).applied_migrations()`.
 *   3. Order: the graph's forwards plan of every leaf node, as `MigrationExecutor.migration_plan`
 *      walks it; migrations not applied are skipped (and listed in `warnings`).
 *   4. SQL: what `collect_sql` does — `schema_editor(collect_sql=True, atomic=migration.atomic)` and
 *      `migration.apply(state, editor, collect_sql=True)` — but with ONE `ProjectState` carried from
 *      migration to migration (only applied ones advance it) and each migration's statements kept
 *      apart. `sqlmigrate` rebuilds the state per migration; carrying it is what makes 80+
 *      migrations one pass instead of a quadratic one.
 *   Django interleaves `--` comment lines with the SQL (their wording changed in 5.1); entries that
 *   hold nothing but comments are dropped, and `RunPython` (an operation that does not
 *   `reduce_to_sql`) becomes a note instead.
 *
 * The output is one JSON document between two marker lines that carry a per-run nonce, because
 * the project's settings or shell start-up may print anything to stdout.
 */

/** Replaced by the nonce of the run; appears only in the marker lines. */
const MARK_PLACEHOLDER = '@@SMOKE_FIX_MARK@@';

const HELPER = String.raw`
def _smoke_fix_read_history(mark):
    import json
    import os
    import sys
    import traceback

    import django
    import sqlparse
    from django.db import DEFAULT_DB_ALIAS, connections, transaction
    from django.db.utils import OperationalError
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.recorder import MigrationRecorder

    # Markers go out first: once the "started" line is on stdout, the project imported and its
    # settings loaded; a failure before it is the project's, not the database's.
    sys.stdout.write('\n' + mark + '-STARTED\n')
    sys.stdout.flush()

    def emit(document):
        sys.stdout.write('\n' + mark + '-BEGIN\n' + json.dumps(document, ensure_ascii=True) + '\n' + mark + '-END\n')
        sys.stdout.flush()

    def label(key):
        return '%s.%s' % key

    def iso(value):
        return None if value is None else value.isoformat()

    def only_comments(entry):
        lines = [line.strip() for line in entry.strip().splitlines()]
        return all(line == '' or line.startswith('--') for line in lines)

    def run():
        connection = connections[DEFAULT_DB_ALIAS]
        try:
            connection.ensure_connection()
        except OperationalError as error:
            emit({'error': {'kind': 'database-unreachable', 'message': str(error).strip()}})
            return

        if connection.vendor != 'postgresql':
            emit({'error': {'kind': 'not-postgresql', 'message': 'the default database is %s, not PostgreSQL' % connection.vendor}})
            return

        # Belt to collect_sql's braces: collect_sql=True makes the schema editor append SQL instead of
        # executing it, but only the schema editor. A custom operation's database_forwards, a
        # third-party field or a migration that takes connection.cursor() directly still executes for
        # real, and the collection itself opens transactions. With the session read-only, PostgreSQL
        # itself refuses any write that slips through (even one committed behind Django's back), and
        # the outer atomic block below is rolled back whatever happens.
        with connection.cursor() as cursor:
            cursor.execute('SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY')
            # Some operations (AlterField, RenameModel's foreign keys) ask the live catalog for the
            # names of constraints to drop, and see only the search_path. A table that drifted out
            # of it would answer "none" and change the SQL silently; with the source schemas
            # appended, a drifted database prints what a healthy one does.
            extra = json.loads(os.environ.get('SMOKE_FIX_INTROSPECT_SCHEMAS') or '[]')
            if extra:
                cursor.execute("SELECT current_setting('search_path')")
                path = cursor.fetchone()[0]
                # quote_name does not double embedded quotes; an identifier must.
                quoted = ['"%s"' % name.replace('"', '""') for name in extra]
                cursor.execute("SELECT set_config('search_path', %s, false)", [', '.join([path] + quoted)])

        recorder = MigrationRecorder(connection)
        rows = recorder.applied_migrations()  # {(app, name): row with .applied}
        loader = MigrationLoader(connection)  # replace_migrations=True: as migrate sees the graph
        graph = loader.graph
        applied = loader.applied_migrations

        plan = []
        seen = set()
        for leaf in graph.leaf_nodes():
            for key in graph.forwards_plan(leaf):
                if key not in seen:
                    seen.add(key)
                    plan.append(key)

        warnings = []
        not_applied = [label(key) for key in plan if key not in applied]
        if not_applied:
            warnings.append('%d migration(s) on disk not recorded as applied (not read): %s' % (len(not_applied), ', '.join(not_applied)))
        replaced = set()
        for key, migration in loader.replacements.items():
            if key in graph.nodes:
                replaced.update(migration.replaces)
        orphans = sorted(label(key) for key in rows if key not in graph.nodes and key not in replaced)
        if orphans:
            warnings.append('%d migration(s) recorded as applied with no file on disk (app removed or migration deleted; not read): %s' % (len(orphans), ', '.join(orphans)))

        def applied_at(key, migration):
            row = rows.get(key)
            if row is not None:
                return iso(row.applied)
            # A squash Django counts as applied because every migration it replaces is.
            stamps = [rows[r].applied for r in (migration.replaces or []) if r in rows]
            return iso(max(stamps)) if stamps else None

        def trace_introspection(editor, notes):
            # What sqlmigrate prints for these operations depends on the database as it is now, not
            # as it was when the migration ran: say so next to the statements it shaped.
            original = getattr(editor, '_constraint_names', None)
            if original is None:
                return

            def traced(model, *args, **kwargs):
                names = original(model, *args, **kwargs)
                notes.append('constraint names of %s read from the live database, as sqlmigrate does: %s' % (
                    model._meta.db_table, ', '.join(names) if names else 'none found'))
                return names

            editor._constraint_names = traced

        out = []
        state = None
        with transaction.atomic(using=connection.alias):
            # Django cannot reconnect inside an atomic block, so what holds here holds throughout.
            with connection.cursor() as cursor:
                cursor.execute('SHOW transaction_read_only')
                if cursor.fetchone()[0] != 'on':
                    emit({'error': {'kind': 'not-read-only', 'message': 'the session did not become read-only; nothing was collected'}})
                    return
            for key in plan:
                if key not in applied:
                    continue
                migration = graph.nodes[key]
                notes = []
                if migration.replaces:
                    notes.append('squashed migration: stands for %s (all applied), as Django reads it' % ', '.join(label(r) for r in migration.replaces))
                for operation in migration.operations:
                    if not operation.reduces_to_sql:
                        notes.append('%s ignored (not SQL): %s' % (type(operation).__name__, operation.describe()))
                if state is None:
                    state = loader.project_state(key, at_end=False)
                statements = []
                try:
                    # A savepoint per migration: a failure rolls back to it and the next one goes on.
                    with transaction.atomic(using=connection.alias):
                        with connection.schema_editor(collect_sql=True, atomic=migration.atomic) as editor:
                            trace_introspection(editor, notes)
                            state = migration.apply(state, editor, collect_sql=True)
                        # An entry may hold two statements (Django writes "SET CONSTRAINTS …; ALTER TABLE …"
                        # as one): split with sqlparse, Django's own dependency and the splitter RunSQL uses.
                        statements = [
                            statement for entry in editor.collected_sql if not only_comments(entry)
                            for statement in sqlparse.split(entry) if not only_comments(statement)
                        ]
                except Exception as error:
                    message = ('%s: %s' % (type(error).__name__, error)).strip().splitlines()
                    notes.append('SQL not collected (%s); nothing of this migration is read' % ' '.join(message))
                    warnings.append('%s: SQL not collected: %s' % (label(key), ' '.join(message)))
                    # The carried state stopped part-way through this migration: rebuild it from the graph.
                    state = loader.project_state(key, at_end=True)
                out.append({
                    'app': key[0],
                    'name': key[1],
                    'applied': applied_at(key, migration),
                    'statements': statements,
                    'notes': notes,
                })
            transaction.set_rollback(True, using=connection.alias)

        emit({'django': django.get_version(), 'migrations': out, 'warnings': warnings})

    try:
        run()
    except Exception as error:
        # The graph could not be built (a missing dependency, an inconsistent history) or the
        # catalog refused a read: Django's own words, without the traceback's file paths.
        emit({'error': {'kind': 'helper-failed', 'message': ''.join(traceback.format_exception_only(type(error), error)).strip()}})


_smoke_fix_read_history('${MARK_PLACEHOLDER}')
`;

/** The helper's source with this run's marker in it. */
export function djangoHistoryHelper(mark: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(mark)) throw new Error('marker must be plain letters and digits');
  return HELPER.split(MARK_PLACEHOLDER).join(mark);
}
