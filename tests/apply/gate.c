/* gate FIFO READY CMD [ARGS...]: waits at a starting gate, then becomes CMD.
 *
 * Opens FIFO for reading (the test holds it open read-write, so this does not block),
 * creates the file READY to say it is waiting, and reads FIFO until end of file: that comes
 * to every waiting process at once, when the test closes its end. Then it executes CMD, so
 * that the processes of a round start together. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    char c;
    ssize_t n;
    int fd, ready;

    if (argc < 4) {
        fprintf(stderr, "usage: gate FIFO READY CMD [ARGS...]\n");
        return 2;
    }
    if ((fd = open(argv[1], O_RDONLY)) < 0) {
        perror(argv[1]);
        return 2;
    }
    if ((ready = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0) {
        perror(argv[2]);
        return 2;
    }
    close(ready);
    while ((n = read(fd, &c, 1)) > 0)
        ;
    close(fd);
    execvp(argv[3], argv + 3);
    perror(argv[3]);
    return 127;
}
