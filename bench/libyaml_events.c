/* What the YAML parser costs, libyaml against yaml-cpp: libyaml's event parser over the same
 * files as `bench/yaml_load_loop --events` (yaml-cpp's), for issue 14's cold-run question.
 * usage: libyaml_events LIST_FILE   (one path a line; files up to 1 MiB, qemuc's limit)
 * Prints "FILES files, EVENTS events"; exits 1 when a file cannot be read or parsed.
 * Compare instructions, which the machine's load does not move:
 *   valgrind --tool=callgrind --callgrind-out-file=/dev/null build/bench/libyaml_events LIST
 *   valgrind --tool=callgrind --callgrind-out-file=/dev/null build/bench/yaml_load_loop --events LIST
 */
#include <stdio.h>
#include <string.h>
#include <yaml.h>

static char text[1 << 20];

static int parse(const char *path, long *events) {
  FILE *file = fopen(path, "rb");
  if (file == NULL) return 0;
  size_t size = fread(text, 1, sizeof text, file);
  fclose(file);
  yaml_parser_t parser;
  yaml_parser_initialize(&parser);
  yaml_parser_set_input_string(&parser, (const unsigned char *)text, size);
  int ok = 1, done = 0;
  while (ok && !done) {
    yaml_event_t event;
    ok = yaml_parser_parse(&parser, &event);
    if (ok) {
      done = event.type == YAML_STREAM_END_EVENT;
      yaml_event_delete(&event);
      ++*events;
    }
  }
  yaml_parser_delete(&parser);
  return ok;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: libyaml_events LIST_FILE\n");
    return 2;
  }
  FILE *list = fopen(argv[1], "r");
  if (list == NULL) {
    perror(argv[1]);
    return 1;
  }
  char path[4096];
  long files = 0, events = 0;
  while (fgets(path, sizeof path, list) != NULL) {
    path[strcspn(path, "\n")] = '\0';
    if (!parse(path, &events)) {
      fprintf(stderr, "libyaml_events: cannot read or parse %s\n", path);
      return 1;
    }
    ++files;
  }
  fclose(list);
  printf("%ld files, %ld events\n", files, events);
  return 0;
}
