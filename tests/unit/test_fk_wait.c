#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "fk/fk_clock.h"
#include "fk/fk_io.h"
#include "fk/fk_sig.h"
#include "fk/fk_wait.h"

/*
 * A wait cut short by a signal must end far below its 60 s deadline.  The
 * bound is generous (a loaded machine); a missed signal shows as 60 s.
 */
#define LONG_MS 60000
#define PROMPT_MS 20000

static int death_pipe[2];
static volatile sig_atomic_t usr1;

static void
on_death(void)
{
	if (write(death_pipe[1], "r", 1) == -1) {
		/* the parent then sees no byte and says so */
	}
}

static void
on_usr1(int sig)
{
	usr1 = sig;
}

/* A program that does not catch the stop signals: the hook runs, then the signal kills. */
static void
death_hook(void)
{
	int status = 0;
	char c = 0;
	pid_t pid;

	CHECK_INT(pipe(death_pipe), 0);
	if ((pid = fork()) == 0) {
		fk_sig_on_death(on_death);
		raise(SIGTERM);
		_exit(0);
	}
	close(death_pipe[1]);	/* so that a hook that never ran reads as end of file */
	CHECK_INT(waitpid(pid, &status, 0), pid);
	CHECK(WIFSIGNALED(status));
	CHECK_INT(WIFSIGNALED(status) ? WTERMSIG(status) : 0, SIGTERM);
	CHECK_INT(read(death_pipe[0], &c, 1), 1);
	CHECK_INT(c, 'r');
	close(death_pipe[0]);
}

/* What a child of a blocking program passes through exec: nothing of fk_sig. */
static void
child_reset(void)
{
	int status = 0;
	pid_t pid;

	if ((pid = fork()) == 0) {
		sigset_t now;
		struct sigaction pipe_act;

		fk_sig_child();
		sigprocmask(SIG_BLOCK, NULL, &now);
		sigaction(SIGPIPE, NULL, &pipe_act);
		_exit(sigismember(&now, SIGTERM) == 0 && sigismember(&now, SIGUSR1) == 0 &&
		    pipe_act.sa_handler == SIG_DFL ? 0 : 1);
	}
	CHECK_INT(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status));
	CHECK_INT(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0);
}

/*
 * A stop taken after fk_sig_init() but before fk_sig_block() (udpmsg's SIGTERM
 * while it opened its socket) ends the first wait at once, and only that one.
 * The child's exit status says which part failed.
 */
static void
stop_before_block(void)
{
	int status = 0;
	pid_t pid;

	if ((pid = fork()) == 0) {
		long long t0;

		fk_sig_init();
		raise(SIGTERM);
		fk_sig_block();
		t0 = fk_now_ms();
		if (fk_wait_fds(NULL, 0, t0 + LONG_MS) != -1 || errno != EINTR)
			_exit(1);
		if (fk_now_ms() - t0 >= PROMPT_MS)
			_exit(2);
		_exit(fk_wait_fds(NULL, 0, fk_now_ms() + 50) == 0 ? 0 : 3);
	}
	CHECK_INT(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status));
	CHECK_INT(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0);
}

int
main(void)
{
	int p[2];
	short rev = 0;
	long long t0;
	unsigned char c;
	sigset_t now;

	death_hook();
	stop_before_block();
	CHECK_INT(pipe(p), 0);
	fk_sig_init();
	fk_sig_catch(SIGUSR1, on_usr1);
	fk_sig_block();
	child_reset();
	usr1 = 0;

	/* Ready and deadline work as poll(). */
	CHECK_INT(fk_wait(p[0], POLLIN, fk_now_ms() + 20, &rev), 0);
	CHECK_INT(write(p[1], "x", 1), 1);
	CHECK_INT(fk_wait(p[0], POLLIN, fk_now_ms() + 5000, &rev), 1);
	CHECK(rev & POLLIN);
	CHECK_INT(read(p[0], &c, 1), 1);
	struct pollfd pf = { .fd = p[0], .events = POLLIN };
	CHECK_INT(fk_wait_fds(&pf, 1, fk_now_ms() + 20), 0);
	CHECK_INT(write(p[1], "x", 1), 1);
	CHECK_INT(fk_wait_fds(&pf, 1, FK_WAIT_FOREVER), 1);
	CHECK_INT(read(p[0], &c, 1), 1);

	/* Another caught signal ends fk_wait_fds() (the caller acts on it), not fk_wait(). */
	raise(SIGUSR1);
	CHECK_INT(usr1, 0);	/* blocked outside the waits */
	errno = 0;
	CHECK_INT(fk_wait_fds(&pf, 1, fk_now_ms() + LONG_MS), -1);
	CHECK_INT(errno, EINTR);
	CHECK_INT(usr1, SIGUSR1);
	usr1 = 0;
	raise(SIGUSR1);
	CHECK_INT(fk_wait(p[0], POLLIN, fk_now_ms() + 50, &rev), 0);
	CHECK_INT(usr1, SIGUSR1);

	/*
	 * A descriptor that is always ready (stdin from `yes`) must not keep a
	 * signal out: Linux's ppoll() takes it only when it returns EINTR.
	 */
	usr1 = 0;
	CHECK_INT(write(p[1], "y", 1), 1);
	raise(SIGUSR1);
	errno = 0;
	CHECK_INT(fk_wait_fds(&pf, 1, fk_now_ms() + LONG_MS), -1);
	CHECK_INT(errno, EINTR);
	CHECK_INT(usr1, SIGUSR1);
	CHECK_INT(fk_wait_fds(&pf, 1, fk_now_ms() + LONG_MS), 1);	/* taken once */
	CHECK_INT(read(p[0], &c, 1), 1);

	/*
	 * The race: SIGTERM arrives after the caller last looked at its flag
	 * and before the wait starts.  Blocked there, it stays pending and ends
	 * the wait at once; with plain poll() the wait would run to its
	 * deadline and return 0.
	 */
	raise(SIGTERM);
	CHECK_INT(fk_sig_stop, 0);
	sigpending(&now);
	CHECK_INT(sigismember(&now, SIGTERM), 1);
	errno = 0;
	t0 = fk_now_ms();
	CHECK_INT(fk_wait(p[0], POLLIN, t0 + LONG_MS, &rev), -1);
	CHECK_INT(errno, EINTR);
	CHECK(fk_now_ms() - t0 < PROMPT_MS);
	CHECK_INT(fk_sig_stop, SIGTERM);

	/* Once stopping, every later I/O wait ends at once too. */
	t0 = fk_now_ms();
	CHECK_INT(fk_wait(p[0], POLLIN, t0 + LONG_MS, &rev), -1);
	CHECK_INT(fk_io_read_byte(p[0], t0 + LONG_MS, NULL, &c), -1);
	CHECK_INT(errno, EINTR);
	fk_io_pause(LONG_MS, NULL);
	CHECK(fk_now_ms() - t0 < PROMPT_MS);

	/* fk_wait_fds() does not: a program may wait on after a stop (pppd's end)... */
	CHECK_INT(fk_wait_fds(&pf, 1, fk_now_ms() + 20), 0);
	/* ...and a second stop, just before it, still ends it at once. */
	raise(SIGINT);
	t0 = fk_now_ms();
	CHECK_INT(fk_wait_fds(&pf, 1, t0 + LONG_MS), -1);
	CHECK(fk_now_ms() - t0 < PROMPT_MS);
	CHECK_INT(fk_sig_stop, SIGINT);

	/* A stop during fk_io_pause() (no fd at all) ends it too. */
	fk_sig_stop = 0;
	raise(SIGHUP);
	t0 = fk_now_ms();
	fk_io_pause(LONG_MS, NULL);
	CHECK(fk_now_ms() - t0 < PROMPT_MS);
	CHECK_INT(fk_sig_stop, SIGHUP);
	return check_done();
}
