import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Resident memory of this process and of child processes, from Linux's /proc and wait4.
enum ProcessMemory {
  /// Current resident set (VmRSS) and peak (VmHWM) of this process, in bytes.
  static func current() -> (rss: Int, peak: Int) {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)
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
  /// wall seconds and peak RSS in bytes (`ru_maxrss` from wait4).
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
    var usage = rusage()
    _ = wait4(pid, &status, 0, &usage)
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
    let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return (exitCode, seconds, usage.ru_maxrss * 1024)
  }
}
