// The aarch64 test kernel: a bare ELF for QEMU's virt machine, loaded by `-kernel`.
//
// It writes to the PL011 UART at 0x09000000 (connected to stdout by -serial stdio):
//   qemuc-test-kernel: aarch64 up
//   qemuc-test-kernel: power off
// and then asks PSCI for SYSTEM_OFF, so QEMU exits with status 0. The call is an `smc`: with
// -machine virtualization=true the CPU starts at EL2 and QEMU takes PSCI calls on the SMC
// conduit (an `hvc` would trap to our own EL2).
//
// QEMU passes no command line to a bare ELF in registers, so unlike the x86_64 kernel this one
// does not print it.
//
// Built by tests/e2e/meson.build: aarch64-linux-gnu-as, then aarch64-linux-gnu-ld with aarch64.ld.

        .set UART_BASE, 0x09000000
        .set UART_DATA, 0x00                    // UARTDR
        .set UART_FLAGS, 0x18                   // UARTFR
        .set UART_FLAGS_TX_FULL_BIT, 5          // UARTFR.TXFF
        .set PSCI_SYSTEM_OFF, 0x84000008

        .text
        .globl _start
_start:
        ldr x1, =UART_BASE
        adr x2, banner
        bl puts
        adr x2, power_off_message
        bl puts

        ldr x0, =PSCI_SYSTEM_OFF
        smc #0
halt:                                           // only reached if PSCI did not power off
        wfi
        b halt

// Writes the NUL-terminated string at x2 to the UART at x1. Clobbers w3, w4, x2.
puts:
        ldrb w3, [x2], #1
        cbz w3, 2f
1:      ldr w4, [x1, #UART_FLAGS]
        tbnz w4, #UART_FLAGS_TX_FULL_BIT, 1b
        str w3, [x1, #UART_DATA]
        b puts
2:      ret

        .section .rodata
banner:            .asciz "qemuc-test-kernel: aarch64 up\n"
power_off_message: .asciz "qemuc-test-kernel: power off\n"
