# Lecture 37's practice program: reads a temperature in degrees Celsius and prints it
# in degrees Fahrenheit. It reads its input with input(), so run it with `docker run -it`.
# 37강 실습 프로그램: 섭씨 온도를 입력받아 화씨 온도로 바꿔 출력합니다. input()으로 입력을
# 받으므로 `docker run -it`로 실행합니다.
print("Convert degrees Celsius to degrees Fahrenheit.")
print("Degrees Celsius?")
celsius = float(input("> "))
fahrenheit = celsius * 9 / 5 + 32
print(f"{celsius:g} degrees Celsius is {fahrenheit:g} degrees Fahrenheit.")
