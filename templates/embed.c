/* Build-time tool: turns template files into a C source that embeds their bytes,
   so that modelgen is one self-contained executable. */
#include <stdio.h>
#include <string.h>

static const char *stem(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: embed OUTPUT.c TEMPLATE...\n");
        return 2;
    }
    FILE *out = fopen(argv[1], "w");
    if (!out) {
        perror(argv[1]);
        return 2;
    }
    fputs("/* Generated at build time from templates/: do not edit. */\n"
          "#include \"template.h\"\n\n", out);
    for (int i = 2; i < argc; i++) {
        FILE *in = fopen(argv[i], "rb");
        if (!in) {
            perror(argv[i]);
            return 2;
        }
        fprintf(out, "static const char file_%d[] = {", i - 2);
        int c;
        size_t n = 0;
        while ((c = fgetc(in)) != EOF)
            fprintf(out, "%s%d,", n++ % 20 ? "" : "\n    ", c);
        fputs("\n    0};\n\n", out);
        fclose(in);
    }
    fputs("const struct embedded_file embedded_files[] = {\n", out);
    for (int i = 2; i < argc; i++) {
        char name[256];
        snprintf(name, sizeof name, "%s", stem(argv[i]));
        char *dot = strchr(name, '.');
        if (dot)
            *dot = '\0';
        fprintf(out, "    {\"%s\", file_%d, sizeof file_%d - 1},\n", name, i - 2, i - 2);
    }
    fprintf(out, "};\nconst size_t embedded_file_count = %d;\n", argc - 2);
    return fclose(out) == 0 ? 0 : 2;
}
