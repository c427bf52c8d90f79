import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Resident memory of this process and of child processes, from Linux's /proc.
enum ProcessMemory {
  /// Current resident set (VmRSS) and peak (VmHWM) of this process, in bytes.
  static func current() -> (rss: Int, peak: Int) { of("self") }

  /// VmRSS and VmHWM of process `pid` (`self` for this one), in bytes; zeros once it is gone.
  static func of(_ pid: String) -> (rss: Int, peak: Int) {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
    else { return (0, 0) }
    func field(_ name: String) -> Int {
      for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
        let digits = line.dropFirst(name.count + 1).filter { $0.isNumber }
        return (Int(digits) ?? 0) * 1024
      }
      return 0
    }
    return (field("VmRSS"), field("VmHWM"))
  }

  /// Resets VmHWM to the current RSS (Linux >= 4.0, `echo 5 > /proc/self/clear_refs`), so
  /// that the next peak is the peak of what follows. Returns false where that is refused;
  /// then peaks are cumulative.
  @discardableResult
  static func resetPeak() -> Bool {
    let fd = open("/proc/self/clear_refs", O_WRONLY)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    return write(fd, "5", 1) == 1
  }

  /// Runs `arguments` (argv[0] a path) with stdout to `output`, and returns its exit status,
  /// wall seconds and peak RSS in bytes.
  ///
  /// The peak is the child's own VmHWM, read every 2 ms until it exits (it only grows, so the
  /// last read is the peak unless that came in the last 2 ms). `ru_maxrss` from wait4 is no
  /// use here: posix_spawn's child shares this process's memory until it execs, and Linux
  /// folds that high-water mark into the child's maxrss, so a child of a 3 GiB benchmark
  /// always "peaked" at 3 GiB.
  static func runChild(_ arguments: [String], output: String) -> (
    status: Int32, seconds: Double, peak: Int
  ) {
    let shell = ["/bin/sh", "-c", "exec \"$0\" \"$@\" > '\(output)'"] + arguments
    var argv: [UnsafeMutablePointer<CChar>?] = shell.map { strdup($0) }
    argv.append(nil)
    defer { for p in argv { free(p) } }
    let start = DispatchTime.now().uptimeNanoseconds
    var pid: pid_t = 0
    guard posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ) == 0 else { return (-1, 0, 0) }
    var status: Int32 = 0
    var peak = 0
    while waitpid(pid, &status, WNOHANG) == 0 {
      peak = max(peak, of("\(pid)").peak)
      usleep(2_000)
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
    let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return (exitCode, seconds, peak)
  }
}
