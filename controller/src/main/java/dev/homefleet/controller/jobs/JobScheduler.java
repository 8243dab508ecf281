package dev.homefleet.controller.jobs;

import dev.homefleet.core.config.Schedule;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TimeZone;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.quartz.CronScheduleBuilder;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quartz, reduced to what the controller needs: one job per name on a {@link Schedule}, never two runs of the same
 * job at once, and after a laptop sleep a missed job fires once on wake rather than once per missed slot.
 *
 * <p>Misfires: a cron trigger uses {@code FIRE_ONCE_NOW} ({@code withMisfireHandlingInstructionFireAndProceed}),
 * an interval trigger {@code NOW_WITH_EXISTING_COUNT} (fire now, then every interval from now). Quartz only calls
 * a trigger misfired once it is later than its misfire threshold, set here to 5 s so a short pause is not a misfire.
 *
 * <p>That alone fires twice on wake: Quartz picks up a trigger shortly before it is due and waits for it, so when
 * the machine sleeps during that wait the trigger fires late on wake, its next slot is already past, and the
 * misfire fires it once more. So a run whose next slot is already due is skipped ({@link TaskJob}): the due one
 * runs instead, and a sleep costs one run, whichever way Quartz meets it.
 */
public final class JobScheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobScheduler.class);
    private static final String GROUP = "homefleet";
    private static final String TASKS = "homefleet.tasks";

    private final Scheduler scheduler;
    private final Map<String, Runnable> tasks = new ConcurrentHashMap<>();
    private final Map<String, Schedule> schedules = new ConcurrentHashMap<>();

    /** @param threads jobs that may run at the same time (each job still runs one at a time) */
    public JobScheduler(String name, int threads) {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", name);
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.threadPool.threadCount", String.valueOf(threads));
        p.setProperty("org.quartz.threadPool.threadNamePrefix", "homefleet-job");
        p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        p.setProperty("org.quartz.jobStore.misfireThreshold", "5000");
        p.setProperty("org.quartz.scheduler.makeSchedulerThreadDaemon", "true");
        try {
            scheduler = new StdSchedulerFactory(p).getScheduler();
            scheduler.getContext().put(TASKS, tasks);
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot create the job scheduler: " + e.getMessage(), e);
        }
    }

    public JobScheduler start() {
        try {
            scheduler.start();
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot start the job scheduler: " + e.getMessage(), e);
        }
        return this;
    }

    /** Schedules {@code task} as job {@code name}, replacing a job of that name (a reload with a new schedule). */
    public synchronized void schedule(String name, Schedule schedule, Runnable task) {
        tasks.put(name, task);
        schedules.put(name, schedule);
        JobDetail job = JobBuilder.newJob(TaskJob.class).withIdentity(name, GROUP).storeDurably().build();
        Trigger trigger = trigger(name, schedule);
        try {
            scheduler.addJob(job, true, true);
            if (scheduler.checkExists(TriggerKey.triggerKey(name, GROUP))) {
                scheduler.rescheduleJob(TriggerKey.triggerKey(name, GROUP), trigger);
            } else {
                scheduler.scheduleJob(trigger);
            }
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot schedule job " + name + ": " + e.getMessage(), e);
        }
    }

    /** A job that runs only when asked ({@link #runNow}), never on its own. */
    public synchronized void register(String name, Runnable task) {
        tasks.put(name, task);
        schedules.remove(name);
        JobDetail job = JobBuilder.newJob(TaskJob.class).withIdentity(name, GROUP).storeDurably().build();
        try {
            scheduler.unscheduleJob(TriggerKey.triggerKey(name, GROUP));
            scheduler.addJob(job, true, true);
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot register job " + name + ": " + e.getMessage(), e);
        }
    }

    public synchronized void remove(String name) {
        try {
            scheduler.deleteJob(JobKey.jobKey(name, GROUP));
        } catch (SchedulerException e) {
            log.warn("cannot remove job {}: {}", name, e.getMessage());
        }
        tasks.remove(name);
        schedules.remove(name);
    }

    public boolean has(String name) {
        return tasks.containsKey(name);
    }

    public Optional<Schedule> scheduleOf(String name) {
        return Optional.ofNullable(schedules.get(name));
    }

    /**
     * Fires {@code name} now. If it is running, this run starts when that one ends (Quartz holds it back because
     * of {@link DisallowConcurrentExecution}).
     */
    public void runNow(String name) {
        if (!tasks.containsKey(name)) {
            throw new IllegalArgumentException("no job named " + name);
        }
        try {
            scheduler.triggerJob(JobKey.jobKey(name, GROUP));
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot run job " + name + ": " + e.getMessage(), e);
        }
    }

    /** When {@code name} fires next on its schedule, if it has one. */
    public Optional<Instant> nextFire(String name) {
        try {
            Trigger trigger = scheduler.getTrigger(TriggerKey.triggerKey(name, GROUP));
            return trigger == null || trigger.getNextFireTime() == null ? Optional.empty()
                    : Optional.of(trigger.getNextFireTime().toInstant());
        } catch (SchedulerException e) {
            return Optional.empty();
        }
    }

    /**
     * Stops firing, waits up to {@code grace} for running jobs to finish, then abandons them: their threads are
     * interrupted and, being daemons, do not keep the JVM alive.
     *
     * @return true when every running job finished in time
     */
    public boolean shutdown(Duration grace) {
        try {
            scheduler.standby();
            long deadline = System.nanoTime() + grace.toNanos();
            while (!scheduler.getCurrentlyExecutingJobs().isEmpty() && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
            boolean finished = scheduler.getCurrentlyExecutingJobs().isEmpty();
            if (!finished) {
                for (JobExecutionContext running : scheduler.getCurrentlyExecutingJobs()) {
                    log.warn("abandoning job {} still running after {}s", running.getJobDetail().getKey().getName(),
                            grace.toSeconds());
                    scheduler.interrupt(running.getJobDetail().getKey());
                }
            }
            scheduler.shutdown(false);
            return finished;
        } catch (SchedulerException e) {
            log.warn("job scheduler did not shut down cleanly: {}", e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        shutdown(Duration.ofSeconds(10));
    }

    private static Trigger trigger(String name, Schedule schedule) {
        TriggerBuilder<Trigger> builder = TriggerBuilder.newTrigger().withIdentity(name, GROUP).forJob(name, GROUP);
        if (schedule.isInterval()) {
            long millis = schedule.every().toMillis();
            return builder.startAt(new Date(System.currentTimeMillis() + millis))
                    .withSchedule(SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(millis)
                            .repeatForever().withMisfireHandlingInstructionNowWithExistingCount())
                    .build();
        }
        return builder.withSchedule(CronScheduleBuilder.cronSchedule(schedule.quartz()).inTimeZone(TimeZone.getDefault())
                .withMisfireHandlingInstructionFireAndProceed()).build();
    }

    /** The one Quartz job class: looks up its task by the job's name. Never two runs of one job at once. */
    @DisallowConcurrentExecution
    public static final class TaskJob implements Job, org.quartz.InterruptableJob {
        private volatile Thread runner;

        @Override
        @SuppressWarnings("unchecked")
        public void execute(JobExecutionContext context) {
            String name = context.getJobDetail().getKey().getName();
            Runnable task;
            try {
                task = ((Map<String, Runnable>) context.getScheduler().getContext().get(TASKS)).get(name);
            } catch (SchedulerException e) {
                log.warn("job {} cannot find its task: {}", name, e.getMessage());
                return;
            }
            if (task == null) {
                return;
            }
            Date next = context.getNextFireTime();
            if (next != null && !next.after(new Date())) {
                log.debug("job {}: skipping the run due at {}; its next run, due at {}, is already due",
                        name, context.getScheduledFireTime().toInstant(), next.toInstant());
                return;
            }
            runner = Thread.currentThread();
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("job {} failed: {}", name, e.toString());
            } finally {
                runner = null;
                Thread.interrupted(); // do not hand an interrupt on to the pool's next job
            }
        }

        @Override
        public void interrupt() {
            Thread thread = runner;
            if (thread != null) {
                thread.interrupt();
            }
        }
    }
}
